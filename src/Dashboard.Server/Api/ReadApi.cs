using Dashboard.Server.Live;
using Dashboard.Server.Security;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Api;

public static class ReadApi
{
    public static IEndpointRouteBuilder MapReadApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1").RequireAuthorization(DashboardPolicies.ReadApi).AnswersRefusals();
        group.MapGet("/vips", GetVips).WithName("GetVips").WithSummary("Every virtual service with its real servers, live");
        group.MapGet("/hosts", GetHosts).WithName("GetHosts").WithSummary("Every host that reported, with its freshness");
        group.MapGet("/hypervisors/{name}/drops", GetDrops).WithName("GetHypervisorDrops").WithSummary("Drop rates per rule and NSX reason");
        group.MapGet("/limits", GetLimits).RequireAuthorization(DashboardPolicies.Administer).WithName("GetLimits")
            .WithSummary("Configured limits, how full they are, and how often each refused data");
        group.MapGet("/vips/{director}/series", GetSeriesAsync).WithName("GetVipSeries")
            .WithSummary("Connections and SYN_RECV over time; every push for short ranges, one-minute or one-hour rollups for long ones")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapGet("/hypervisors/{name}/drops/series", GetDropSeriesAsync).WithName("GetHypervisorDropSeries")
            .WithSummary("Drops a second over time of the rules and NSX reasons that dropped most (?top=, default 20), from the same tier as the VIP series")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static Ok<List<VipView>> GetVips(LiveStore live, string? director = null) =>
        TypedResults.Ok(live.Hosts
            .Where(h => director is null || h.Name == director)
            .OrderBy(h => h.Name, StringComparer.Ordinal)
            .SelectMany(h => h.Virtuals.Select(v => VipView.From(h, v)))
            .ToList());

    public static Ok<List<HostView>> GetHosts(LiveStore live) =>
        TypedResults.Ok(live.Hosts.OrderBy(h => h.Name, StringComparer.Ordinal)
            .Select(h => new HostView(h.Name, h.Role, h.CollectedAt, h.ReceivedAt, live.IsSilent(h), h.Virtuals.Count, h.Rules.Count, h.NsxFilters.Count))
            .ToList());

    public static Ok<LimitsView> GetLimits(LiveStore live, Microsoft.Extensions.Options.IOptionsMonitor<Hosting.DashboardOptions> options)
    {
        var limits = options.CurrentValue.Limits;
        return TypedResults.Ok(new LimitsView(
            [
                new LimitView(Live.LiveLimits.MaxHostsName, limits.MaxHosts, live.HostCount),
                new LimitView(Live.LiveLimits.MaxHostsPerTokenName, limits.MaxHostsPerToken, null),
                new LimitView(Live.LiveLimits.MaxRowsPerBatchName, limits.MaxRowsPerBatch, null),
            ],
            live.Limits.Breaches));
    }

    public static Results<Ok<HypervisorDropsView>, NotFound> GetDrops(string name, LiveStore live, bool all = false)
    {
        if (live.Host(name) is not { } host)
        {
            return TypedResults.NotFound();
        }

        var rules = host.Rules
            .Where(r => all || r.Rule.DropKind is not null || r.Rule.Target is "DROP" or "REJECT")
            .Select(r => new RuleDropView(r.Rule.Namespace, r.Rule.Table, r.Rule.Chain, r.Rule.Position, r.Rule.Target, r.Rule.Comment,
                r.Rule.DropKind, r.Rule.NeutronPort, r.Rule.NeutronDirection, r.Rule.Identity, r.Packets, r.Bytes,
                Math.Round(r.PacketsPerSecond, 3), Math.Round(r.BytesPerSecond, 3), r.Reset))
            .OrderByDescending(r => r.PacketsPerSecond)
            .ToList();
        var filters = host.NsxFilters.Select(f => new NsxDropView(f.Filter.Name, f.Filter.VmName, f.Filter.VnicIndex,
                f.RatePerReason.Where(r => r.Key != "pass")
                    .OrderByDescending(r => r.Key == NsxFilterLive.StateMismatch).ThenByDescending(r => r.Value)
                    .Select(r => new ReasonRate(r.Key, f.Filter.Counters.GetValueOrDefault(r.Key), Math.Round(r.Value, 3))).ToList()))
            .ToList();
        return TypedResults.Ok(new HypervisorDropsView(host.Name, host.CollectedAt, rules, filters) { RulesWithoutCounters = host.RulesWithoutCounters });
    }

    public static async Task<Results<Ok<SeriesView>, ProblemHttpResult>> GetSeriesAsync(string director, string @virtual, SeriesRepository series,
        TimeProvider clock, string protocol = "TCP", DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken ct = default)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddHours(-1);
        if (BadRange(start, end) is { } problem)
        {
            return problem;
        }

        return TypedResults.Ok(await series.VipSeriesAsync(director, protocol, @virtual, start, end, ct));
    }

    /// <summary>A chart's range: from before to, at most 92 days (past the one-hour tier's use for a chart).</summary>
    private static ProblemHttpResult? BadRange(DateTimeOffset start, DateTimeOffset end) =>
        start >= end || end - start > TimeSpan.FromDays(92)
            ? TypedResults.Problem(title: "Bad range", detail: "from must be before to, and the range at most 92 days", statusCode: 400)
            : null;

    public static async Task<Results<Ok<DropSeriesView>, ProblemHttpResult>> GetDropSeriesAsync(string name, DropSeriesRepository drops, TimeProvider clock,
        DateTimeOffset? from = null, DateTimeOffset? to = null, int top = 20, CancellationToken ct = default)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddHours(-1);
        if (BadRange(start, end) is { } problem)
        {
            return problem;
        }

        if (top is < 1 or > DropSeriesRepository.MaxSeries)
        {
            return TypedResults.Problem(title: "Bad top", detail: $"top must be between 1 and {DropSeriesRepository.MaxSeries}", statusCode: 400);
        }

        return TypedResults.Ok(await drops.HostDropsAsync(name, start, end, ct, top));
    }
}

public sealed record VipView(string Director, string Protocol, string Virtual, string? Scheduler, long Connections, long SynRecv,
    double SynRecvRatio, double? ConnectionsPerSecond, IReadOnlyList<RealServerView> RealServers, DateTimeOffset UpdatedAt)
{
    public static VipView From(HostSnapshot host, VirtualServiceLive v) => new(host.Name, v.Protocol, v.Virtual, v.Scheduler, v.Connections,
        v.SynRecv, Math.Round(v.SynRecvRatio, 4), v.ConnectionsPerSecond,
        v.RealServers.Select(r => new RealServerView(r.Destination, r.Forward, r.Weight, r.ActiveConn, r.InActConn, r.Connections, r.SynRecv,
            r.Templates, r.ByState, Math.Round(r.SynRecvRatio, 4))).ToList(), host.CollectedAt);
}

public sealed record RealServerView(string Address, string? Forward, int? Weight, long? ActiveConn, long? InActConn, long Connections,
    long SynRecv, long Templates, IReadOnlyDictionary<string, long> ByState, double SynRecvRatio);

public sealed record HostView(string Name, string Role, DateTimeOffset CollectedAt, DateTimeOffset ReceivedAt, bool Silent,
    int VirtualServices, int Rules, int NsxFilters);

public sealed record HypervisorDropsView(string Name, DateTimeOffset UpdatedAt, IReadOnlyList<RuleDropView> Rules, IReadOnlyList<NsxDropView> NsxFilters)
{
    /// <summary>Rules of the latest dump without counters: not listed, since their drops are unknown ("counters missing" when above 0).</summary>
    public long RulesWithoutCounters { get; init; }

    public bool CountersMissing => RulesWithoutCounters > 0;
}

public sealed record RuleDropView(string Namespace, string Table, string Chain, int Position, string? Target, string? Comment, string? DropKind,
    string? NeutronPort, string? NeutronDirection, string Identity, ulong Packets, ulong Bytes, double PacketsPerSecond, double BytesPerSecond, bool Reset);

public sealed record NsxDropView(string Filter, string? VmName, int? Vnic, IReadOnlyList<ReasonRate> Reasons);

public sealed record ReasonRate(string Reason, ulong Count, double PerSecond);

public sealed record LimitView(string Limit, long Value, long? Current);

public sealed record LimitsView(IReadOnlyList<LimitView> Limits, IReadOnlyList<Dashboard.Core.Diagnosis.LimitBreach> Refusals);
