using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Server.Tests.Alerting;

/// <summary>
/// A real HTTP endpoint on loopback standing in for chat webhooks: records every request and answers as each chat
/// system does on success (or fails on demand: HTTP 500, or no answer at all until the client gives up).
/// </summary>
public sealed class ChatReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedRequest> _requests = new();
    private readonly Lock _gate = new();
    private List<(Func<ReceivedRequest, bool> Until, TaskCompletionSource Done)> _waiters = [];
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ChatReceiver(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>How to answer the next requests.</summary>
    public ReceiverMode Mode { get; set; } = ReceiverMode.Answer;

    public IReadOnlyList<ReceivedRequest> Requests => [.. _requests];

    public IReadOnlyList<ReceivedRequest> Accepted(string path) => [.. _requests.Where(r => r.Path == path && r.Accepted)];

    public IReadOnlyList<ReceivedRequest> Received(string path) => [.. _requests.Where(r => r.Path == path)];

    public string Url(string pathAndQuery) => new Uri(BaseAddress, pathAndQuery.TrimStart('/')).ToString();

    public static async Task<ChatReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ChatReceiver? receiver = null;
        app.Run(context => receiver!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver = new ChatReceiver(app, new Uri(address.TrimEnd('/') + "/"));
        return receiver;
    }

    /// <summary>Lets the requests held in <see cref="ReceiverMode.Hold"/> answer.</summary>
    public void Release() => _released.TrySetResult();

    /// <summary>Waits until a request satisfying <paramref name="condition"/> has arrived (checked against every request so far too).</summary>
    public Task WaitForAsync(Func<ReceivedRequest, bool> condition, TimeSpan timeout)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_requests.Any(condition))
            {
                return Task.CompletedTask;
            }

            _waiters = [.. _waiters, (condition, done)];
        }

        return done.Task.WaitAsync(timeout);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var path = context.Request.Path.Value ?? "";
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        var query = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        var mode = Mode;
        if (mode == ReceiverMode.Hang)
        {
            Record(new ReceivedRequest(path, context.Request.QueryString.Value ?? "", query, headers, body, 0));
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // The client gave up, as intended.
            }

            return;
        }

        if (mode == ReceiverMode.Hold)
        {
            // Recorded on arrival: the sender may be gone before the answer is written.
            Record(new ReceivedRequest(path, context.Request.QueryString.Value ?? "", query, headers, body, 0));
            await _released.Task;
            var (held, heldAnswer) = SuccessAnswer(path);
            context.Response.StatusCode = held;
            try
            {
                await context.Response.WriteAsync(heldAnswer, context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException)
            {
                // The sender died while the request was held.
            }

            return;
        }

        var (status, answer) = mode switch
        {
            ReceiverMode.Fail => (500, "upstream trouble"),
            ReceiverMode.FailEchoingRequest => (400, $"bad request to {context.Request.Path}{context.Request.QueryString} ({context.Request.Headers.Authorization}) with {body}"),
            _ => SuccessAnswer(path),
        };
        Record(new ReceivedRequest(path, context.Request.QueryString.Value ?? "", query, headers, body, status));
        context.Response.StatusCode = status;
        await context.Response.WriteAsync(answer);
    }

    private void Record(ReceivedRequest request)
    {
        lock (_gate)
        {
            _requests.Enqueue(request);
            foreach (var waiter in _waiters.Where(w => w.Until(request)).ToList())
            {
                waiter.Done.TrySetResult();
            }

            _waiters = _waiters.Where(w => !w.Done.Task.IsCompleted).ToList();
        }
    }

    /// <summary>Each system's documented success answer.</summary>
    private static (int Status, string Body) SuccessAnswer(string path) => path switch
    {
        "/slack" or "/mattermost" => (200, "ok"),
        "/dingtalk" or "/wecom" => (200, """{"errcode":0,"errmsg":"ok"}"""),
        "/feishu" => (200, """{"code":0,"data":{},"msg":"success"}"""),
        "/teams" => (202, ""),
        _ => (200, ""),
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
