-- Clients stuck in SYN_RECV per VIP, as the director last reported them (kept with each sample's time).
create table ipvs_synrecv_sources (
    collected_at timestamptz not null,
    director     text not null,
    protocol     text not null,
    virtual      text not null,
    client       text not null,
    connections  bigint not null
) partition by range (collected_at);

create index ipvs_synrecv_sources_series on ipvs_synrecv_sources (director, collected_at);
