using System.Globalization;
using System.Text;
using Dashboard.Core.Batches;
using Dashboard.Core.Ipvs;

namespace Dashboard.Server.Ingest;

/// <summary>
/// Checks what JSON typing cannot: identity, sequence, a plausible collection time, counts that cannot be negative, and
/// the grammar of host names and addresses (printable, no bidi or zero-width controls that make one name look like another).
/// </summary>
public static class BatchValidator
{
    public const int MaxHostLength = 253;
    private const int MaxErrors = 100;

    /// <summary>2^53: beyond it JSON numbers are not exact in every agent language, and the journal keeps room to grow.</summary>
    public const long MaxSequence = 1L << 53;

    /// <summary>One dropped batch per collection at most: 10^9 is three decades at one per second, far from any overflow.</summary>
    public const long MaxDroppedBatches = 1_000_000_000;

    /// <summary>Refused outright: a clock this far ahead cannot place its data at all.</summary>
    public static readonly TimeSpan MaxFutureRefused = TimeSpan.FromMinutes(10);

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
        else if (batch.Sequence >= MaxSequence)
        {
            errors.Add(new IngestError(null, "sequence", $"{batch.Sequence} is not below 2^53 ({MaxSequence})"));
        }

        if (batch.CollectedAt > now + MaxFutureRefused)
        {
            errors.Add(new IngestError(null, "collectedAt", $"{batch.CollectedAt:O} is more than 10 minutes ahead of the server clock ({now:O}); check the agent's clock"));
        }
        else if (batch.CollectedAt < now.AddHours(-rawRetentionHours + 1))
        {
            errors.Add(new IngestError(null, "collectedAt", $"{batch.CollectedAt:O} is older than the raw retention of {rawRetentionHours} hours"));
        }

        if (batch.DroppedBatches is < 0 or > MaxDroppedBatches)
        {
            errors.Add(new IngestError(null, "droppedBatches", $"{batch.DroppedBatches} is not between 0 and {MaxDroppedBatches}"));
        }

        if (batch.AgentVersion is { } version && TextProblem(version) is { } versionProblem)
        {
            errors.Add(new IngestError(null, "agentVersion", versionProblem));
        }

        ValidateIpvs(batch.Ipvs, errors);
        ValidateKeepalived(batch, errors);
        ValidateNsx(batch, errors);
        return errors.Count > MaxErrors ? errors[..MaxErrors] : errors;
    }

    /// <summary>RFC 1123 letters, digits, '-', '.', and '_' (seen in real fleets); nothing invisible, nothing that renders as markup.</summary>
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

        if (TextProblem(host) is { } text)
        {
            return text;
        }

        return char.IsAsciiLetterOrDigit(host[0]) && host.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')
            ? null
            : $"'{host}' is not a host name (ASCII letters, digits, '-', '.', '_', starting with a letter or digit)";
    }

    /// <summary>Control, format (bidi overrides, zero-width), separator and unpaired surrogate characters are refused in every text.</summary>
    public static string? TextProblem(string text)
    {
        foreach (var rune in text.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
            {
                return $"contains the invisible or control character U+{rune.Value:X4}";
            }
        }

        return text.Contains('\uFFFD') ? "contains U+FFFD (bytes that were not UTF-8)" : null;
    }

    /// <summary>`a.b.c.d:port`, `[v6]:port`, a name:port (ipvsadm without -n) or `FWM:mark`: no spaces, no markup.</summary>
    public static string? EndpointProblem(string? endpoint)
    {
        if (string.IsNullOrEmpty(endpoint))
        {
            return "is required";
        }

        return endpoint.Length <= 300 && endpoint.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or ':' or '[' or ']' or '%' or '-' or '_')
            ? null
            : $"'{Shorten(endpoint)}' is not an address (a.b.c.d:port, [v6]:port or name:port)";
    }

    private static void ValidateIpvs(IpvsSnapshot? ipvs, List<IngestError> errors)
    {
        if (ipvs?.Services is { } table)
        {
            for (var s = 0; s < table.Services.Count; s++)
            {
                var service = table.Services[s];
                var at = $"$.ipvs.services.services[{s}]";
                if (service.Virtual is not null)
                {
                    Endpoint(service.Virtual, at + ".virtual", errors);
                }

                NotNegative(service.PersistentSeconds, at + ".persistentSeconds", errors);
                for (var d = 0; d < service.Destinations.Count; d++)
                {
                    var destination = service.Destinations[d];
                    var dAt = $"{at}.destinations[{d}]";
                    Endpoint(destination.Address, dAt + ".address", errors);
                    NotNegative(destination.Weight, dAt + ".weight", errors);
                    NotNegative(destination.ActiveConn, dAt + ".activeConn", errors);
                    NotNegative(destination.InActConn, dAt + ".inActConn", errors);
                    NotNegative(destination.PersistConn, dAt + ".persistConn", errors);
                }
            }
        }

        if (ipvs?.Connections is { } connections)
        {
            NotNegative(connections.Connections, "$.ipvs.connections.connections", errors);
            NotNegative(connections.Templates, "$.ipvs.connections.templates", errors);
            States(connections.ByState, "$.ipvs.connections.byState", errors);
            for (var d = 0; d < connections.Destinations.Count; d++)
            {
                var destination = connections.Destinations[d];
                var at = $"$.ipvs.connections.destinations[{d}]";
                Endpoint(destination.Virtual, at + ".virtual", errors);
                Endpoint(destination.Destination, at + ".destination", errors);
                NotNegative(destination.Templates, at + ".templates", errors);
                States(destination.ByState, at + ".byState", errors);
            }

            for (var i = 0; i < connections.TopSynRecvSources.Count; i++)
            {
                var source = connections.TopSynRecvSources[i];
                var at = $"$.ipvs.connections.topSynRecvSources[{i}]";
                Endpoint(source.Virtual, at + ".virtual", errors);
                Endpoint(source.Client, at + ".client", errors);
                NotNegative(source.Connections, at + ".connections", errors);
            }
        }
    }

    private static void ValidateKeepalived(AgentBatch batch, List<IngestError> errors)
    {
        if (batch.Keepalived is not { } state)
        {
            return;
        }

        for (var i = 0; i < state.Instances.Count; i++)
        {
            Text(state.Instances[i].Name, $"$.keepalived.instances[{i}].name", errors);
            Text(state.Instances[i].State, $"$.keepalived.instances[{i}].state", errors);
        }

        for (var i = 0; i < state.RealServers.Count; i++)
        {
            Text(state.RealServers[i].Virtual, $"$.keepalived.realServers[{i}].virtual", errors);
            Text(state.RealServers[i].Address, $"$.keepalived.realServers[{i}].address", errors);
        }
    }

    private static void ValidateNsx(AgentBatch batch, List<IngestError> errors)
    {
        if (batch.Nsx is not { } nsx)
        {
            return;
        }

        for (var i = 0; i < nsx.Filters.Count; i++)
        {
            Text(nsx.Filters[i].Name, $"$.nsx.filters[{i}].name", errors);
            if (nsx.Filters[i].VmName is { } vm)
            {
                Text(vm, $"$.nsx.filters[{i}].vmName", errors);
            }
        }
    }

    private static void States(StateCounts counts, string at, List<IngestError> errors)
    {
        foreach (var (state, count) in counts)
        {
            Text(state, $"{at}.{state}", errors);
            NotNegative(count, $"{at}.{state}", errors);
        }
    }

    private static void Endpoint(string? value, string field, List<IngestError> errors)
    {
        if (EndpointProblem(value) is { } problem)
        {
            errors.Add(new IngestError(null, field, problem));
        }
    }

    private static void Text(string value, string field, List<IngestError> errors)
    {
        if (TextProblem(value) is { } problem)
        {
            errors.Add(new IngestError(null, field, problem));
        }
    }

    private static void NotNegative(long? value, string field, List<IngestError> errors)
    {
        if (value < 0)
        {
            errors.Add(new IngestError(null, field, $"{value} is negative; counts cannot be"));
        }
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>One precise reason a request was refused: where (line, field) and why.</summary>
public sealed record IngestError(long? Line, string? Field, string Reason);
