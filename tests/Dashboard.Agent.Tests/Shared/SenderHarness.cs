using Dashboard.Agent.Hosting;
using Dashboard.Agent.Spool;
using Dashboard.Agent.Transport;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Tests.Shared;

/// <summary>A real sender, spool and state on a directory, pointed at a receiver URL; "restarting" builds a new one on the same directory.</summary>
public sealed class SenderHarness : IDisposable
{
    public static readonly RetryPolicy FastRetries = new(2, TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5));

    private readonly HttpClient _http = AgentHttp.CreateClient();

    public SenderHarness(string directory, Uri server, TimeProvider time, TestLog log, RetryPolicy? retries = null,
        long maxBytes = 64L * 1024 * 1024, TimeSpan? maxAge = null, TimeSpan? replayBudget = null, string token = TestIngestServer.Token)
    {
        Spool = BatchSpool.Open(directory, maxBytes, maxAge ?? TimeSpan.FromHours(24), time, log.Log);
        State = AgentState.Load(directory, Spool.HighestSequence, time, log.Log);
        Sender = new BatchSender(new IngestClient(_http, server, token), IngestRetryPipeline.Create(retries ?? FastRetries),
            Spool, State, replayBudget ?? TimeSpan.FromSeconds(30), time, log.Log);
    }

    public BatchSpool Spool { get; }
    public AgentState State { get; }
    public BatchSender Sender { get; }

    public static AgentBatch NewBatch(string host = "director-1") => new() { Host = host, CollectedAt = DateTimeOffset.UtcNow };

    public Task<DeliveryReport> DeliverAsync(string host = "director-1") => Sender.DeliverAsync(NewBatch(host), CancellationToken.None);

    public void Dispose() => _http.Dispose();
}
