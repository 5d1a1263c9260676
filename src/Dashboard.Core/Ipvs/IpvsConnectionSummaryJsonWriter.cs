using System.Text.Json;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// <see cref="IpvsConnectionSummary"/> as JSON, byte for byte what <see cref="Batches.DashboardJsonContext"/> writes,
/// without the serializer: configuring its type infos cost a one-shot `parse` about as much as writing the JSON.
/// </summary>
public static class IpvsConnectionSummaryJsonWriter
{
    public static void Write(Utf8JsonWriter writer, IpvsConnectionSummary summary)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(summary);
        writer.WriteStartObject();
        writer.WriteNumber("connections"u8, summary.Connections);
        writer.WriteNumber("templates"u8, summary.Templates);
        WriteStates(writer, summary.ByState);
        JsonArrayWriter.Write(writer, "destinations"u8, summary.Destinations, WriteDestination);
        JsonArrayWriter.Write(writer, "topSynRecvSources"u8, summary.TopSynRecvSources, WriteSource);
        writer.WriteBoolean("namesNotNumeric"u8, summary.NamesNotNumeric);
        if (summary.SyncedEntries is { } synced)
        {
            writer.WriteNumber("syncedEntries"u8, synced);
        }
        else
        {
            writer.WriteNull("syncedEntries"u8);
        }

        writer.WriteNumber("firewallMarkTemplates"u8, summary.FirewallMarkTemplates);
        writer.WriteNumber("invalidatedTemplates"u8, summary.InvalidatedTemplates);
        ParseWarningJsonWriter.Write(writer, summary.Warnings);
        writer.WriteEndObject();
    }

    private static void WriteDestination(Utf8JsonWriter writer, IpvsDestinationStates destination)
    {
        writer.WriteStartObject();
        writer.WriteString("protocol"u8, destination.Protocol);
        writer.WriteString("virtual"u8, destination.Virtual);
        writer.WriteString("destination"u8, destination.Destination);
        WriteStates(writer, destination.ByState);
        writer.WriteNumber("templates"u8, destination.Templates);
        writer.WriteEndObject();
    }

    private static void WriteSource(Utf8JsonWriter writer, IpvsSynRecvSource source)
    {
        writer.WriteStartObject();
        writer.WriteString("protocol"u8, source.Protocol);
        writer.WriteString("virtual"u8, source.Virtual);
        writer.WriteString("client"u8, source.Client);
        writer.WriteNumber("connections"u8, source.Connections);
        writer.WriteNumber("overcount"u8, source.Overcount);
        writer.WriteEndObject();
    }

    // A null collection as null, as the serializer does.
    private static void WriteStates(Utf8JsonWriter writer, StateCounts? states)
    {
        if (states is null)
        {
            writer.WriteNull("byState"u8);
            return;
        }

        writer.WritePropertyName("byState"u8);
        StateCountsJsonConverter.WriteObject(writer, states);
    }
}
