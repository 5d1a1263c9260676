using System.CommandLine;
using Dashboard.Server.Hosting;
using Dashboard.Server.Ingest;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Cli;

/// <summary>`token …` and `user …`: administration from the shell, against the same database the server uses.</summary>
public static class AdminCommandLine
{
    /// <summary>`token …`, `user …`, and help or completions at the top level (`--help`, `[suggest]`); anything else serves.</summary>
    public static bool IsAdminCommand(string[] args) =>
        args.Length > 0 && (args[0] is "token" or "user" or "--help" or "-h" or "-?" || args[0].StartsWith("[suggest", StringComparison.Ordinal));

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("""
            LVS-DR health dashboard. Without a command it serves: --urls URL, --demo (simulated fleet, anonymous viewing),
            and any setting as --Key=value (--ConnectionStrings:Dashboard=…, --Dashboard:DataDir=…).
            The commands administer the same database, whether or not a server is running on it.
            """) { TokenCommand(), UserCommand() };
        // Unknown --Key=value pairs are configuration (connection string, data folder), as for the server itself.
        root.TreatUnmatchedTokensAsErrors = false;
        return await root.Parse(args).InvokeAsync();
    }

    private static Command TokenCommand()
    {
        var name = new Option<string>("--name") { Description = "Token name (one per agent, script or wall display)", Required = true };
        var role = new Option<string>("--role") { Description = "director, hypervisor, nsx, reader or wall", Required = true };
        role.AcceptOnlyFromAmong(KnownRoles.TokenRoles);
        var hosts = HostsOption();
        var pattern = PatternOption();
        var create = new Command("create", "Create a token; it is printed once, as the last line") { name, role, hosts, pattern };
        create.SetAction((parse, ct) => WithDatabaseAsync(parse, ct, async (db, ct) =>
        {
            var tokenName = parse.GetValue(name)!;
            // Without --host or --host-pattern an agent token speaks for the host called as the token.
            var scope = ScopeOf(parse, hosts, pattern) ?? HostScope.ForHost(tokenName);
            var token = await new TokenRepository(db.DataSource).CreateAsync(tokenName, parse.GetValue(role)!, scope, ct);
            var speaksFor = KnownRoles.IngestRoles.Contains(parse.GetValue(role)) ? $", for {scope}" : "";
            Console.WriteLine($"Token '{tokenName}' ({parse.GetValue(role)}{speaksFor}) created. It is shown only now:");
            Console.WriteLine(token);
            return 0;
        }));

        var bindName = new Argument<string>("name") { Description = "Name of the agent token to bind" };
        var bindHosts = HostsOption();
        var bindPattern = PatternOption();
        var bind = new Command("bind", "Bind an agent token to the hosts it speaks for (tokens made before host scopes)") { bindName, bindHosts, bindPattern };
        bind.SetAction((parse, ct) => WithDatabaseAsync(parse, ct, async (db, ct) =>
        {
            var n = parse.GetValue(bindName)!;
            if (ScopeOf(parse, bindHosts, bindPattern) is not { } scope)
            {
                Console.Error.WriteLine("Give --host (repeatable) or --host-pattern.");
                return 2;
            }

            if (await new TokenRepository(db.DataSource).BindAsync(n, scope, ct))
            {
                Console.WriteLine($"Token '{n}' now speaks for {scope}.");
                return 0;
            }

            Console.Error.WriteLine($"No active token named '{n}'.");
            return 1;
        }));

        var list = new Command("list", "List tokens (never their secrets)");
        list.SetAction((parse, ct) => WithDatabaseAsync(parse, ct, async (db, ct) =>
        {
            var tokens = await new TokenRepository(db.DataSource).ListAsync(ct);
            Console.WriteLine($"{"NAME",-24} {"ROLE",-11} {"CREATED",-20} {"LAST USED",-20} {"STATUS",-8} HOSTS");
            foreach (var t in tokens)
            {
                var speaksFor = !KnownRoles.IngestRoles.Contains(t.Role) ? "-"
                    : t.Hosts is null && t.HostPattern is null ? "UNBOUND (token bind)"
                    : new HostScope(t.Hosts ?? [], t.HostPattern).ToString();
                Console.WriteLine($"{t.Name,-24} {t.Role,-11} {t.CreatedAt:yyyy-MM-dd HH:mm:ss}  {(t.LastUsedAt is { } u ? u.ToString("yyyy-MM-dd HH:mm:ss") : "never"),-20} {(t.RevokedAt is null ? "active" : "revoked"),-8} {speaksFor}");
            }

            return 0;
        }));

        var revokeName = new Argument<string>("name") { Description = "Name of the token to revoke" };
        var revoke = new Command("revoke", "Revoke a token at once") { revokeName };
        revoke.SetAction((parse, ct) => WithDatabaseAsync(parse, ct, async (db, ct) =>
        {
            var n = parse.GetValue(revokeName)!;
            if (await new TokenRepository(db.DataSource).RevokeAsync(n, ct))
            {
                Console.WriteLine($"Token '{n}' revoked.");
                return 0;
            }

            Console.Error.WriteLine($"No active token named '{n}'.");
            return 1;
        }));

        return new Command("token", "Agent, reader and wall tokens") { create, bind, list, revoke };
    }

    private static Option<string[]> HostsOption() =>
        new("--host") { Description = "A host this agent token speaks for (repeatable)", AllowMultipleArgumentsPerToken = false };

    private static Option<string> PatternOption() =>
        new("--host-pattern") { Description = "A glob (* and ?) of the host names this agent token speaks for" };

    private static HostScope? ScopeOf(ParseResult parse, Option<string[]> hosts, Option<string> pattern)
    {
        var list = parse.GetValue(hosts) ?? [];
        var glob = parse.GetValue(pattern);
        return list.Length == 0 && string.IsNullOrEmpty(glob) ? null : new HostScope(list, string.IsNullOrEmpty(glob) ? null : glob);
    }

    private static Command UserCommand()
    {
        var name = new Argument<string>("name") { Description = "Login name" };
        var role = new Option<string>("--role") { Description = "viewer, operator or admin", Required = true };
        role.AcceptOnlyFromAmong(KnownRoles.UserRoles);
        var stdin = new Option<bool>("--password-stdin") { Description = "Read the password from standard input instead of generating one" };
        var add = new Command("add", "Add a user, or reset an existing user's role and password") { name, role, stdin };
        add.SetAction((parse, ct) => WithDatabaseAsync(parse, ct, async (db, ct) =>
        {
            var fromStdin = parse.GetValue(stdin);
            var password = fromStdin ? (Console.In.ReadLine() ?? "").TrimEnd('\r', '\n') : GeneratePassword();
            if (password.Length < 8)
            {
                Console.Error.WriteLine("The password must have at least 8 characters.");
                return 2;
            }

            await new UserRepository(db.DataSource).AddOrUpdateAsync(parse.GetValue(name)!, parse.GetValue(role)!, password, ct);
            Console.WriteLine($"User '{parse.GetValue(name)}' ({parse.GetValue(role)}) saved.");
            if (!fromStdin)
            {
                Console.WriteLine("Generated password, shown only now:");
                Console.WriteLine(password);
            }

            return 0;
        }));
        var deleteName = new Argument<string>("name") { Description = "Login name" };
        var delete = new Command("delete", "Delete a user; their open sessions end at once") { deleteName };
        delete.SetAction((parse, ct) => WithDatabaseAsync(parse, ct, async (db, ct) =>
        {
            var n = parse.GetValue(deleteName)!;
            if (await new UserRepository(db.DataSource).DeleteAsync(n, ct))
            {
                Console.WriteLine($"User '{n}' deleted; their sessions are ended.");
                return 0;
            }

            Console.Error.WriteLine($"No user named '{n}'.");
            return 1;
        }));
        return new Command("user", "People who log in") { add, delete };
    }

    internal static string GeneratePassword() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(15)).Replace('+', 'x').Replace('/', 'y');

    private static async Task<int> WithDatabaseAsync(ParseResult parse, CancellationToken ct, Func<DashboardDatabase, CancellationToken, Task<int>> action)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .AddCommandLine(parse.UnmatchedTokens.ToArray())
            .Build();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(configuration)
            .AddLogging(b => b.AddSimpleConsole().AddFilter(level => level >= LogLevel.Warning)
                .Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddDashboardStorage(configuration)
            .BuildServiceProvider();
        await using var _ = services;
        var db = services.GetRequiredService<DashboardDatabase>();
        try
        {
            await db.StartingAsync(ct);
            return await action(db, ct);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or Npgsql.NpgsqlException or EmbeddedPostgresException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
        finally
        {
            await db.DisposeAsync();
        }
    }
}
