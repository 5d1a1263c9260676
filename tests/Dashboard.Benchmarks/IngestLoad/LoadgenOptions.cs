using System.Globalization;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>What `loadgen` and `querybench` were asked to do; every default keeps a whole run well under ten minutes.</summary>
public sealed class LoadgenOptions
{
    public const string Usage = """
        usage: loadgen [options]      ingest at fleet scale, baselines, then the series query
               querybench [options]   the series query only
          --connection CS        use this PostgreSQL instead of a fresh embedded one in a temp folder
          --directors N          director agents (120)          --vips N          VIPs per director (50)
          --hypervisors N        hypervisor agents (60)         --real-servers N  real servers per VIP (20)
          --nsx N                NSX host agents (20)           --rules N         iptables rules per hypervisor (2000)
          --interval S           seconds between pushes (5)     --filters N       NSX filters per host (200)
          --duration S           steady phase seconds (60)      --gzip            send bodies gzip-compressed
          --warmup S             pushes at the steady rate before the steady phase is measured (60)
          --history-hours H      hours of every agent's earlier pushes written and rolled up before the first push (0)
          --concurrency A,B,..   saturation pushers (2,4,8,16)  --saturation-duration S  seconds per step (15)
          --copy-rows N          rows of the psql COPY baseline (500000)
          --insert-rows N        rows of the row-by-row INSERT baseline (20000), at most --insert-seconds S (30)
          --query-runs N         requests per series range (50)
          --phases A,B,..        steady,saturation,rollups,baselines,probe,query (all; querybench: query)
          --output FILE          results file (loadgen-results.md in the build output's BenchmarkDotNet.Artifacts)
        """;

    public static readonly string[] AllPhases = ["steady", "saturation", "rollups", "baselines", "probe", "query"];

    public IReadOnlySet<string> Phases { get; private init; } = new HashSet<string>(AllPhases, StringComparer.Ordinal);
    public string? Connection { get; private init; }
    public int Directors { get; private init; } = 120;
    public int Hypervisors { get; private init; } = 60;
    public int NsxHosts { get; private init; } = 20;
    public int Vips { get; private init; } = 50;
    public int RealServers { get; private init; } = 20;
    public int Rules { get; private init; } = 2000;
    public int Filters { get; private init; } = 200;
    public TimeSpan Interval { get; private init; } = TimeSpan.FromSeconds(5);
    public TimeSpan Duration { get; private init; } = TimeSpan.FromSeconds(60);
    public TimeSpan Warmup { get; private init; } = TimeSpan.FromSeconds(60);
    public TimeSpan History { get; private init; } = TimeSpan.Zero;
    public IReadOnlyList<int> Concurrency { get; private init; } = [2, 4, 8, 16];
    public TimeSpan SaturationDuration { get; private init; } = TimeSpan.FromSeconds(15);
    public int CopyRows { get; private init; } = 500_000;
    public int InsertRows { get; private init; } = 20_000;
    public TimeSpan InsertLimit { get; private init; } = TimeSpan.FromSeconds(30);
    public int QueryRuns { get; private init; } = 50;
    public bool Gzip { get; private init; }
    public string Output { get; private init; } = Path.Combine(BenchmarkConfig.ArtifactsPath, "loadgen-results.md");

    public int Agents => Directors + Hypervisors + NsxHosts;

    public bool Runs(string phase) => Phases.Contains(phase);

    /// <summary>True when any phase needs the simulated fleet.</summary>
    public bool NeedsFleet => AllPhases[..5].Any(Runs);

    /// <summary>The options, or null with the reason when the command line is not understood.</summary>
    public static (LoadgenOptions? Options, string? Error) Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return (null, $"unexpected argument '{arg}'");
            }

            var eq = arg.IndexOf('=');
            if (eq > 0)
            {
                values[arg[2..eq]] = arg[(eq + 1)..];
            }
            else if (arg is "--gzip")
            {
                flags.Add(arg[2..]);
            }
            else if (i + 1 < args.Length)
            {
                values[arg[2..]] = args[++i];
            }
            else
            {
                return (null, $"{arg} needs a value");
            }
        }

        try
        {
            var defaults = new LoadgenOptions();
            var options = new LoadgenOptions
            {
                Phases = args[0] == "querybench"
                    ? new HashSet<string>(["query"], StringComparer.Ordinal)
                    : new HashSet<string>(values.GetValueOrDefault("phases")?.Split(',', StringSplitOptions.RemoveEmptyEntries) ?? AllPhases, StringComparer.Ordinal),
                Connection = values.GetValueOrDefault("connection"),
                Directors = Int(values, "directors", defaults.Directors),
                Hypervisors = Int(values, "hypervisors", defaults.Hypervisors),
                NsxHosts = Int(values, "nsx", defaults.NsxHosts),
                Vips = Int(values, "vips", defaults.Vips),
                RealServers = Int(values, "real-servers", defaults.RealServers),
                Rules = Int(values, "rules", defaults.Rules),
                Filters = Int(values, "filters", defaults.Filters),
                Interval = TimeSpan.FromSeconds(Int(values, "interval", 5)),
                Duration = TimeSpan.FromSeconds(Int(values, "duration", 60)),
                Warmup = TimeSpan.FromSeconds(Int(values, "warmup", 60)),
                History = TimeSpan.FromHours(Int(values, "history-hours", 0)),
                Concurrency = values.TryGetValue("concurrency", out var c)
                    ? c.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList()
                    : defaults.Concurrency,
                SaturationDuration = TimeSpan.FromSeconds(Int(values, "saturation-duration", 15)),
                CopyRows = Int(values, "copy-rows", defaults.CopyRows),
                InsertRows = Int(values, "insert-rows", defaults.InsertRows),
                InsertLimit = TimeSpan.FromSeconds(Int(values, "insert-seconds", 30)),
                QueryRuns = Int(values, "query-runs", defaults.QueryRuns),
                Gzip = flags.Contains("gzip"),
                Output = values.GetValueOrDefault("output") ?? defaults.Output,
            };
            var unknown = values.Keys.Except(s_known).Select(k => $"option --{k}").Concat(options.Phases.Except(AllPhases).Select(p => $"phase '{p}'")).FirstOrDefault();
            return unknown is null ? (options, null) : (null, $"unknown {unknown}");
        }
        catch (FormatException e)
        {
            return (null, e.Message);
        }
    }

    private static readonly string[] s_known =
    [
        "connection", "directors", "hypervisors", "nsx", "vips", "real-servers", "rules", "filters", "interval", "duration", "warmup", "history-hours", "concurrency",
        "saturation-duration", "copy-rows", "insert-rows", "insert-seconds", "query-runs", "phases", "output",
    ];

    private static int Int(Dictionary<string, string> values, string name, int fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"--{name} wants a non-negative whole number, got '{text}'");
    }
}
