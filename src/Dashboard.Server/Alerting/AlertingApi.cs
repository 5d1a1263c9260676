using System.Security.Claims;
using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Alerting.Delivery;
using Dashboard.Server.Api;
using Dashboard.Server.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dashboard.Server.Alerting;

public static class AlertingApi
{
    public static IEndpointRouteBuilder MapAlertingApi(this IEndpointRouteBuilder app)
    {
        var read = app.MapGroup("/api/v1").RequireAuthorization(DashboardPolicies.ReadApi).AnswersRefusals();
        read.MapGet("/alerts", ListAsync).WithName("GetAlerts")
            .WithSummary("Alerts; ?state= firing, pending, resolved or active, &severity=, &director=").ProducesProblem(StatusCodes.Status400BadRequest);
        read.MapGet("/alerts/{id:long}/history", HistoryAsync).WithName("GetAlertHistory").WithSummary("State changes and acknowledgements of one alert");
        read.MapGet("/silences", ListSilencesAsync).WithName("GetSilences").WithSummary("Silences not yet ended, then the last ended ones");
        read.MapGet("/alerting/rules", ListRulesAsync).WithName("GetAlertRules").WithSummary("The alerting rules in force and where each comes from");

        var operate = app.MapGroup("/api/v1").RequireAuthorization(DashboardPolicies.Operate).AnswersRefusals();
        operate.MapPost("/alerts/{fingerprint}/ack", AcknowledgeAsync).WithName("AcknowledgeAlert").WithSummary("Acknowledge an active alert: no more repeats");
        operate.MapPost("/silences", CreateSilenceAsync).WithName("CreateSilence").WithSummary("Mute alerts matching label matchers for a time")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        operate.MapDelete("/silences/{id:long}", ExpireSilenceAsync).WithName("ExpireSilence").WithSummary("End a silence now");

        var admin = app.MapGroup("/api/v1/alerting").RequireAuthorization(DashboardPolicies.Administer).AnswersRefusals();
        admin.MapGet("/channels", ListChannelsAsync).WithName("GetAlertChannels").WithSummary("Channels with masked URLs and secrets, and how delivery goes");
        admin.MapPost("/channels/{name}/test", TestChannelAsync).WithName("TestAlertChannel").WithSummary("Send a test message to a channel now");
        return app;
    }

    public static async Task<Results<Ok<List<AlertView>>, ProblemHttpResult>> ListAsync(AlertOperations operations, string? state = null,
        string? severity = null, string? director = null, string? fingerprint = null, int limit = 500, CancellationToken ct = default)
    {
        if (state is not null && state != "active" && !AlertStates.All.Contains(state))
        {
            return TypedResults.Problem(title: "Unknown state", detail: "state is one of firing, pending, resolved, active", statusCode: 400);
        }

        var query = new AlertQuery(state == "active" ? null : state, state == "active", severity, director, fingerprint, limit);
        return TypedResults.Ok(await operations.ListAsync(query, ct));
    }

    public static async Task<Ok<List<AlertEventRow>>> HistoryAsync(long id, AlertOperations operations, CancellationToken ct) =>
        TypedResults.Ok(await operations.HistoryAsync(id, ct));

    public static async Task<Results<NoContent, NotFound>> AcknowledgeAsync(string fingerprint, AckRequest? request, ClaimsPrincipal user,
        AlertOperations operations, CancellationToken ct) =>
        await operations.AcknowledgeAsync(fingerprint, user.Identity?.Name ?? "?", request?.Comment, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Ok<List<SilenceView>>> ListSilencesAsync(AlertOperations operations, CancellationToken ct)
    {
        var now = operations.Now;
        return TypedResults.Ok((await operations.SilencesAsync(ct)).Select(s => SilenceView.From(s, now)).ToList());
    }

    public static async Task<Results<Created<SilenceIdView>, ProblemHttpResult>> CreateSilenceAsync(SilenceRequest request, ClaimsPrincipal user,
        AlertOperations operations, CancellationToken ct)
    {
        var duration = request.DurationMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        var (id, error) = await operations.SilenceAsync(request.Matchers, request.Comment, request.StartsAt, request.EndsAt, duration,
            user.Identity?.Name ?? "?", ct);
        return id is { } created
            ? TypedResults.Created($"/api/v1/silences/{created}", new SilenceIdView(created))
            : TypedResults.Problem(title: "Silence refused", detail: error, statusCode: 400);
    }

    public static async Task<Results<NoContent, NotFound>> ExpireSilenceAsync(long id, AlertOperations operations, CancellationToken ct) =>
        await operations.ExpireSilenceAsync(id, ct) ? TypedResults.NoContent() : TypedResults.NotFound();

    public static async Task<Ok<IReadOnlyList<AlertRule>>> ListRulesAsync(AlertRuleCatalog rules, CancellationToken ct) =>
        TypedResults.Ok(await rules.GetAsync(ct));

    public static async Task<Ok<List<ChannelStatusView>>> ListChannelsAsync(ChannelCatalog channels, OutboxRepository outbox, CancellationToken ct)
    {
        var stats = (await outbox.StatsAsync(ct)).ToDictionary(s => s.Channel, StringComparer.Ordinal);
        return TypedResults.Ok((await channels.AllAsync(ct)).Select(c => new ChannelStatusView(c.ToView(), stats.GetValueOrDefault(c.Name))).ToList());
    }

    public static async Task<Results<Ok<TestResultView>, NotFound>> TestChannelAsync(string name, ChannelCatalog channels, ChannelTester tester,
        CancellationToken ct)
    {
        if (await channels.FindAsync(name, ct) is not { } channel)
        {
            return TypedResults.NotFound();
        }

        var result = await tester.SendTestAsync(channel, ct);
        return TypedResults.Ok(new TestResultView(result.Succeeded, result.StatusCode, result.Error));
    }
}

