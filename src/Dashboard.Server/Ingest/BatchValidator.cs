using Dashboard.Core.Batches;

namespace Dashboard.Server.Ingest;

/// <summary>Checks what JSON typing cannot: identity, sequence and a plausible collection time.</summary>
public static class BatchValidator
{
    public const int MaxHostLength = 253;

    public static List<IngestError> Validate(AgentBatch batch, BatchOrigin origin, DateTimeOffset now, int rawRetentionHours)
    {
        var errors = new List<IngestError>();
        if (HostNameProblem(batch.Host) is { } problem)
        {
            errors.Add(new IngestError(null, "host", problem));
        }

        if (origin.IsAgent && batch.Sequence <= 0)
        {
            errors.Add(new IngestError(null, "sequence", "must be a positive, per-agent increasing number"));
        }

        if (batch.CollectedAt > now.AddMinutes(10))
        {
            errors.Add(new IngestError(null, "collectedAt", $"{batch.CollectedAt:O} is more than 10 minutes ahead of the server clock ({now:O}); check the agent's clock"));
        }
        else if (batch.CollectedAt < now.AddHours(-rawRetentionHours + 1))
        {
            errors.Add(new IngestError(null, "collectedAt", $"{batch.CollectedAt:O} is older than the raw retention of {rawRetentionHours} hours"));
        }

        if (batch.DroppedBatches < 0)
        {
            errors.Add(new IngestError(null, "droppedBatches", "must not be negative"));
        }

        return errors;
    }

    public static string? HostNameProblem(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return "is required";
        }

        if (host.Length > MaxHostLength)
        {
            return $"is longer than {MaxHostLength} characters";
        }

        return host.Any(char.IsControl) ? "contains control characters" : null;
    }
}

/// <summary>One precise reason a request was refused: where (line, field) and why.</summary>
public sealed record IngestError(long? Line, string? Field, string Reason);
