using System.IO.Compression;
using System.Text.Json;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Transport;

/// <summary>A batch as it travels and as it is spooled: source-generated JSON, gzip-compressed.</summary>
public static class BatchPayload
{
    public static byte[] Serialize(AgentBatch batch)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(gzip, batch, DashboardJsonContext.Default.AgentBatch);
        }

        return buffer.ToArray();
    }

    /// <summary>Null when the bytes are not a complete gzip'd batch (a file cut short by a crash or a full disk).</summary>
    public static AgentBatch? TryDeserialize(byte[] payload)
    {
        try
        {
            using var gzip = new GZipStream(new MemoryStream(payload, writable: false), CompressionMode.Decompress);
            return JsonSerializer.Deserialize(gzip, DashboardJsonContext.Default.AgentBatch);
        }
        catch (Exception e) when (e is InvalidDataException or JsonException or EndOfStreamException)
        {
            return null;
        }
    }
}
