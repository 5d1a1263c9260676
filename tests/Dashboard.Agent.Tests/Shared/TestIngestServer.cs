using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Dashboard.Core.Batches;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>
/// A real HTTP receiver on 127.0.0.1 in the shape of POST /api/v1/ingest: it records each stored (host, sequence), answers
/// a replayed one as "duplicate", and answers 400/429/500/503 or not at all when told to.
/// </summary>
public sealed class TestIngestServer : IAsyncDisposable
{
    public const string Token = "agent-test-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ServerAnswer> _script = new();
    private readonly List<AgentBatch> _stored = [];
    private readonly HashSet<(string, long)> _keys = [];
    private readonly Lock _lock = new();
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private int _requests;
    private int _duplicates;

    private TestIngestServer(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseUrl { get; private set; } = null!;

    public int Port => BaseUrl.Port;

    public int Requests => Volatile.Read(ref _requests);

    public int Duplicates => Volatile.Read(ref _duplicates);

    public string? LastContentEncoding { get; private set; }

    public IReadOnlyList<AgentBatch> Stored
    {
        get
        {
            lock (_lock)
            {
                return [.. _stored];
            }
        }
    }

    public IReadOnlyList<long> StoredSequences => [.. Stored.Select(static b => b.Sequence)];

    /// <param name="port">0 for any free port; a former server's port to come back "up" where the agent expects it.</param>
    public static async Task<TestIngestServer> StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var server = new TestIngestServer(app);
        app.MapPost("/api/v1/ingest", (Delegate)server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>Answers for the next requests, in order; after them every request is accepted.</summary>
    public void Script(params ServerAnswer[] answers)
    {
        foreach (var answer in answers)
        {
            _script.Enqueue(answer);
        }
    }

    public Task WaitForStoredAsync(int count, TimeSpan timeout)
    {
        lock (_lock)
        {
            if (_stored.Count >= count)
            {
                return Task.CompletedTask;
            }

            var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, signal));
            return signal.Task.WaitAsync(timeout);
        }
    }

    private async Task<IResult> HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _requests);
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            return Results.Problem(statusCode: 401, title: "bad token");
        }

        LastContentEncoding = context.Request.Headers.ContentEncoding.ToString();
        var answer = _script.TryDequeue(out var scripted) ? scripted : ServerAnswer.Accept;
        var body = LastContentEncoding == "gzip"
            ? new GZipStream(context.Request.Body, CompressionMode.Decompress)
            : context.Request.Body;
        AgentBatch batch;
        try
        {
            batch = await JsonSerializer.DeserializeAsync(body, DashboardJsonContext.Default.AgentBatch, context.RequestAborted)
                ?? throw new JsonException("null batch");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException)
        {
            return Results.Problem(statusCode: 400, title: "not a batch", detail: e.Message);
        }

        switch (answer.Kind)
        {
            case ServerAnswerKind.Status:
                if (answer.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Results.Problem(statusCode: answer.StatusCode, title: $"scripted {answer.StatusCode}",
                    extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { line = 1, field = "sequence", reason = "scripted refusal" } } });
            case ServerAnswerKind.Hang:
                await HangAsync(context);
                return Results.Empty;
            case ServerAnswerKind.StoreThenHang:
                Store(batch);
                await HangAsync(context);
                return Results.Empty;
            default:
                var status = Store(batch) ? "stored" : "duplicate";
                return Results.Json(new { status, host = batch.Host, sequence = batch.Sequence, rows = 0, warnings = Array.Empty<object>() });
        }
    }

    private static async Task HangAsync(HttpContext context)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            // The client gave up, as it should.
        }
    }

    private bool Store(AgentBatch batch)
    {
        lock (_lock)
        {
            if (!_keys.Add((batch.Host, batch.Sequence)))
            {
                Interlocked.Increment(ref _duplicates);
                return false;
            }

            _stored.Add(batch);
            foreach (var waiter in _waiters.Where(w => _stored.Count >= w.Count).ToList())
            {
                waiter.Signal.TrySetResult();
                _waiters.Remove(waiter);
            }

            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
