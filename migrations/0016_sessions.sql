-- People's sign-ins, so that logout, a password or role change and deleting the user end them on every instance.
create table user_sessions (
    id         uuid primary key,
    user_name  text not null,
    created_at timestamptz not null default now(),
    ended_at   timestamptz
);

create index user_sessions_user on user_sessions (user_name) where ended_at is null;
