using Dashboard.Core.Diagnosis;
using Dashboard.Server.Diagnosis;
using Dashboard.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

public static class FindingsApi
{
    public static IEndpointRouteBuilder MapFindingsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/v1/findings", ListAsync).RequireAuthorization(DashboardPolicies.ReadApi).AnswersRefusals()
            .WithName("GetFindings").WithSummary("Findings with evidence and remediation; ?active=true for the open ones");
        return app;
    }

    public static async Task<Ok<List<FindingView>>> ListAsync(FindingRepository repository, DiagnosisService diagnosis,
        bool active = false, string? kind = null, string? director = null, int limit = 200, CancellationToken ct = default)
    {
        if (active)
        {
            return TypedResults.Ok(diagnosis.Open
                .Where(f => (kind is null || f.Latest.Kind == kind) && (director is null || f.Latest.Director == director))
                .Select(FindingView.From).ToList());
        }

        var stored = await repository.ListAsync(false, kind, director, Math.Clamp(limit, 1, 1000), ct);
        return TypedResults.Ok(stored.Select(FindingView.From).ToList());
    }
}

public sealed record FindingView(string Kind, string Severity, DateTimeOffset StartedAt, DateTimeOffset OpenedAt, DateTimeOffset LastSeen,
    DateTimeOffset? ResolvedAt, string? Director, string? Vip, string? Hypervisor, string? Port, string? RealServer, string Summary,
    IReadOnlyList<EvidenceView> Evidence, IReadOnlyList<string> ConfirmCommands, string Remediation)
{
    public static FindingView From(TrackedFinding f) => new(f.Latest.Kind, f.Latest.Severity.ToString().ToLowerInvariant(), f.FirstSeen,
        f.OpenedAt ?? f.FirstSeen, f.LastSeen, f.ResolvedAt, f.Latest.Director, f.Latest.Vip, f.Latest.Hypervisor, f.Latest.Port,
        f.Latest.RealServer, f.Latest.Summary, f.Latest.Evidence.Select(e => new EvidenceView(e.Label, e.Value)).ToList(),
        f.Latest.ConfirmCommands, f.Latest.Remediation);

    public static FindingView From(StoredFinding f) => new(f.Kind, f.Severity, f.StartedAt, f.OpenedAt, f.LastSeen, f.ResolvedAt, f.Director,
        f.Vip, f.Hypervisor, f.Port, f.RealServer, f.Summary, f.Evidence.Select(e => new EvidenceView(e.Label, e.Value)).ToList(),
        f.ConfirmCommands, f.Remediation);
}

public sealed record EvidenceView(string Label, string Value);
