using System.Diagnostics;
using System.Globalization;
using System.Text;
using Dashboard.Server.Storage;
using Npgsql;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>
/// The limit: PostgreSQL's own COPY … FROM through psql's \copy of a text file, into plain tables of the row-per-number layout, timed
/// as a whole psql process (start, connect, load, commit, exit).
/// </summary>
public static class CopyBaseline
{
    private const string RealServerColumns =
        "collected_at, director, protocol, virtual, destination, forward, weight, active_conn, inact_conn, connections, syn_recv, templates, by_state";

    public static async Task<IReadOnlyList<BaselineResult>> RunAsync(string connectionString, BaselineRows rows, int count, CancellationToken ct)
    {
        var folder = Path.Combine(Path.GetTempPath(), "lvs-dashboard-loadgen-copy-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var realServerFile = Path.Combine(folder, "ipvs_rs_samples.txt");
            var ruleFile = Path.Combine(folder, "iptables_rule_samples.txt");
            var realServerRows = WriteRealServers(realServerFile, rows, count / 2);
            var ruleRows = WriteRuleCounters(ruleFile, rows, count - count / 2);
            var first = await TimePsqlAsync(connectionString, $"\\copy baseline_ipvs_rs_samples ({RealServerColumns}) from '{realServerFile}'", ct);
            var second = await TimePsqlAsync(connectionString, $"\\copy baseline_iptables_rule_samples (collected_at, rule_id, packets, bytes) from '{ruleFile}'", ct);
            return
            [
                new BaselineResult("psql \\copy → baseline_ipvs_rs_samples", realServerRows, first),
                new BaselineResult("psql \\copy → baseline_iptables_rule_samples", ruleRows, second),
                new BaselineResult("psql \\copy, both tables", realServerRows + ruleRows, first + second),
            ];
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static long WriteRealServers(string path, BaselineRows rows, int count)
    {
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        long written = 0;
        foreach (var (at, director, s) in rows.RealServers(count))
        {
            file.Write(string.Join('\t', Stamp(at), Text(director), Text(s.Protocol), Text(s.Virtual), Text(s.Destination), Text(s.Forward),
                Nullable(s.Weight), Nullable(s.ActiveConn), Nullable(s.InActConn), Number(s.Connections), Number(s.SynRecv), Number(s.Templates),
                Text(BaselineJson.ByState(s.ByState))));
            file.Write('\n');
            written++;
        }

        return written;
    }

    private static long WriteRuleCounters(string path, BaselineRows rows, int count)
    {
        using var file = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20) { NewLine = "\n" };
        long written = 0;
        foreach (var (at, ruleId, packets, bytes) in rows.RuleCounters(count))
        {
            file.Write(string.Join('\t', Stamp(at), Number(ruleId), Number(packets), Number(bytes)));
            file.Write('\n');
            written++;
        }

        return written;
    }

    private static async Task<TimeSpan> TimePsqlAsync(string connectionString, string command, CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var start = new ProcessStartInfo("psql")
        {
            ArgumentList = { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", csb.Host ?? "localhost", "-p", csb.Port.ToString(CultureInfo.InvariantCulture),
                "-U", csb.Username ?? "postgres", "-d", csb.Database ?? "postgres", "-c", command },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        if (csb.Password is { Length: > 0 } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start");
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        watch.Stop();
        return process.ExitCode == 0 ? watch.Elapsed : throw new InvalidOperationException($"psql exited with {process.ExitCode}: {await stderr}");
    }

    private static string Stamp(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff+00", CultureInfo.InvariantCulture);

    private static string Nullable<T>(T? value) where T : struct, IFormattable => value is { } v ? v.ToString(null, CultureInfo.InvariantCulture) : "\\N";

    private static string Number<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    // COPY's text format: backslash escapes for the four characters that would end a field or a row.
    private static string Text(string? value) => value is null
        ? "\\N"
        : value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}
