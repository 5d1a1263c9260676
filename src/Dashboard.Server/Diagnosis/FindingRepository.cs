using System.Text.Json;
using Dapper;
using Dashboard.Core.Diagnosis;
using Dashboard.Server.Storage;

namespace Dashboard.Server.Diagnosis;

public sealed record StoredFinding(long Id, string Kind, string Severity, string? Director, string? Vip, string? Hypervisor, string? Port,
    string? RealServer, string Summary, IReadOnlyList<Evidence> Evidence, IReadOnlyList<string> ConfirmCommands, string Remediation,
    DateTimeOffset StartedAt, DateTimeOffset OpenedAt, DateTimeOffset LastSeen, DateTimeOffset? ResolvedAt);

/// <summary>Findings with their history: one row from opening to resolution.</summary>
public sealed class FindingRepository(DashboardDatabase database)
{
    public async Task OpenAsync(TrackedFinding finding, CancellationToken ct)
    {
        const string sql = """
            insert into findings (finding_key, kind, severity, director, vip, hypervisor, port, real_server, summary, evidence,
                confirm_commands, remediation, first_seen, opened_at, last_seen)
            values (@key, @kind, @severity, @director, @vip, @hypervisor, @port, @realServer, @summary, @evidence::jsonb,
                @commands::jsonb, @remediation, @firstSeen, @openedAt, @lastSeen)
            on conflict (finding_key) where resolved_at is null do update set
                summary = excluded.summary, evidence = excluded.evidence, last_seen = excluded.last_seen
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, Parameters(finding), cancellationToken: ct));
    }

    public async Task UpdateAsync(TrackedFinding finding, CancellationToken ct)
    {
        const string sql = """
            update findings set summary = @summary, evidence = @evidence::jsonb, severity = @severity, last_seen = @lastSeen
            where finding_key = @key and resolved_at is null
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, Parameters(finding), cancellationToken: ct));
    }

    public async Task ResolveAsync(TrackedFinding finding, CancellationToken ct)
    {
        const string sql = """
            update findings set resolved_at = @resolvedAt, last_seen = @lastSeen
            where finding_key = @key and resolved_at is null
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        await conn.ExecuteAsync(new CommandDefinition(sql, new { key = finding.Latest.Key, resolvedAt = finding.ResolvedAt, lastSeen = finding.LastSeen }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<TrackedFinding>> LoadOpenAsync(CancellationToken ct)
    {
        const string sql = """
            select id, kind, severity, director, vip, hypervisor, port, real_server as "RealServer", summary, evidence::text as evidence,
                   confirm_commands::text as "ConfirmCommands", remediation, first_seen as "FirstSeen", opened_at as "OpenedAt",
                   last_seen as "LastSeen", resolved_at as "ResolvedAt"
            from findings where resolved_at is null
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<FindingRow>(new CommandDefinition(sql, cancellationToken: ct));
        return rows.Select(r => new TrackedFinding(
            new FindingCandidate(r.Kind, Enum.Parse<FindingSeverity>(r.Severity, ignoreCase: true), r.Director, r.Vip, r.Hypervisor, r.Port, r.RealServer,
                r.Summary, ReadEvidence(r.Evidence), ReadCommands(r.ConfirmCommands), r.Remediation),
            r.FirstSeen, r.OpenedAt, r.LastSeen, null)).ToList();
    }

    public async Task<IReadOnlyList<StoredFinding>> ListAsync(bool activeOnly, string? kind, string? director, int limit, CancellationToken ct)
    {
        const string sql = """
            select id, kind, severity, director, vip, hypervisor, port, real_server as "RealServer", summary, evidence::text as evidence,
                   confirm_commands::text as "ConfirmCommands", remediation, first_seen as "FirstSeen", opened_at as "OpenedAt",
                   last_seen as "LastSeen", resolved_at as "ResolvedAt"
            from findings
            where (not @activeOnly or resolved_at is null)
              and (@kind::text is null or kind = @kind)
              and (@director::text is null or director = @director)
            order by opened_at desc
            limit @limit
            """;
        await using var conn = await database.DataSource.OpenConnectionAsync(ct);
        var rows = await conn.QueryAsync<FindingRow>(new CommandDefinition(sql, new { activeOnly, kind, director, limit }, cancellationToken: ct));
        return rows.Select(r => new StoredFinding(r.Id, r.Kind, r.Severity, r.Director, r.Vip, r.Hypervisor, r.Port, r.RealServer, r.Summary,
            ReadEvidence(r.Evidence), ReadCommands(r.ConfirmCommands), r.Remediation, r.FirstSeen, r.OpenedAt, r.LastSeen, r.ResolvedAt)).ToList();
    }

    private static object Parameters(TrackedFinding finding)
    {
        var c = finding.Latest;
        return new
        {
            key = c.Key,
            kind = c.Kind,
            severity = c.Severity.ToString().ToLowerInvariant(),
            director = c.Director,
            vip = c.Vip,
            hypervisor = c.Hypervisor,
            port = c.Port,
            realServer = c.RealServer,
            summary = c.Summary,
            evidence = JsonSerializer.Serialize(c.Evidence.Select(e => new[] { e.Label, e.Value })),
            commands = JsonSerializer.Serialize(c.ConfirmCommands),
            remediation = c.Remediation,
            firstSeen = finding.FirstSeen,
            openedAt = finding.OpenedAt ?? finding.FirstSeen,
            lastSeen = finding.LastSeen,
        };
    }

    private static IReadOnlyList<Evidence> ReadEvidence(string json) =>
        (JsonSerializer.Deserialize<string[][]>(json) ?? []).Where(p => p.Length == 2).Select(p => new Evidence(p[0], p[1])).ToList();

    private static IReadOnlyList<string> ReadCommands(string json) => JsonSerializer.Deserialize<string[]>(json) ?? [];

    private sealed record FindingRow(long Id, string Kind, string Severity, string? Director, string? Vip, string? Hypervisor, string? Port,
        string? RealServer, string Summary, string Evidence, string ConfirmCommands, string Remediation, DateTime FirstSeen, DateTime OpenedAt,
        DateTime LastSeen, DateTime? ResolvedAt);
}
