using System.Text.Json;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Iptables;

/// <summary>
/// <see cref="IptablesDump"/> as JSON, byte for byte what <see cref="Batches.DashboardJsonContext"/> writes, without the
/// serializer's per-property machinery: a 20,000-rule dump is 5 MB of JSON. Flushes as it goes, so memory stays small.
/// </summary>
public static class IptablesDumpJsonWriter
{
    private const int FlushBytes = 32 * 1024;

    public static void Write(Utf8JsonWriter writer, IptablesDump dump)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dump);
        writer.WriteStartObject();
        writer.WriteString("namespace"u8, dump.Namespace);
        writer.WriteString("variant"u8, dump.Variant);
        if (dump.Tables is null)
        {
            writer.WriteNull("tables"u8);
        }
        else
        {
            WriteTables(writer, dump.Tables);
        }

        if (dump.NeutronPorts is null)
        {
            writer.WriteNull("neutronPorts"u8);
        }
        else
        {
            WritePorts(writer, dump.NeutronPorts);
        }

        ParseWarningJsonWriter.Write(writer, dump.Warnings);
        writer.WriteEndObject();
    }

    private static void WriteTables(Utf8JsonWriter writer, List<IptablesTable> tables)
    {
        writer.WriteStartArray("tables"u8);
        foreach (var table in tables)
        {
            writer.WriteStartObject();
            writer.WriteString("name"u8, table.Name);
            if (table.Chains is null)
            {
                writer.WriteNull("chains"u8);
            }
            else
            {
                writer.WriteStartArray("chains"u8);
                foreach (var chain in table.Chains)
                {
                    WriteChain(writer, chain);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    private static void WriteChain(Utf8JsonWriter writer, IptablesChain chain)
    {
        writer.WriteStartObject();
        writer.WriteString("name"u8, chain.Name);
        writer.WriteString("policy"u8, chain.Policy);
        writer.WriteNumber("packets"u8, chain.Packets);
        writer.WriteNumber("bytes"u8, chain.Bytes);
        WriteNeutron(writer, chain.Neutron);
        if (chain.Rules is null)
        {
            writer.WriteNull("rules"u8);
        }
        else
        {
            writer.WriteStartArray("rules"u8);
            foreach (var rule in chain.Rules)
            {
                WriteRule(writer, rule);
                if (writer.BytesPending > FlushBytes)
                {
                    writer.Flush();
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter writer, IptablesRule rule)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, rule.Index);
        writer.WriteNumber("packets"u8, rule.Packets);
        writer.WriteNumber("bytes"u8, rule.Bytes);
        writer.WriteString("target"u8, rule.Target);
        if (rule.Goto)
        {
            // [JsonIgnore(WhenWritingDefault)]: only a goto is written.
            writer.WriteBoolean("goto"u8, true);
        }

        writer.WriteString("targetOptions"u8, rule.TargetOptions);
        writer.WriteString("comment"u8, rule.Comment);
        writer.WriteString("spec"u8, rule.Spec);
        WriteNeutron(writer, rule.Neutron);
        writer.WriteString("dropKind"u8, rule.DropKind);
        writer.WriteString("identity"u8, rule.Identity);
        writer.WriteEndObject();
    }

    private static void WriteNeutron(Utf8JsonWriter writer, NeutronChainRef? neutron)
    {
        if (neutron is null)
        {
            writer.WriteNull("neutron"u8);
            return;
        }

        writer.WriteStartObject("neutron"u8);
        writer.WriteString("port"u8, neutron.Port);
        writer.WriteString("direction"u8, neutron.Direction);
        writer.WriteEndObject();
    }

    private static void WritePorts(Utf8JsonWriter writer, List<NeutronPort> ports)
    {
        writer.WriteStartArray("neutronPorts"u8);
        foreach (var port in ports)
        {
            writer.WriteStartObject();
            writer.WriteString("port"u8, port.Port);
            writer.WriteString("device"u8, port.Device);
            if (port.AllowedPairs is null)
            {
                writer.WriteNull("allowedPairs"u8);
            }
            else
            {
                writer.WriteStartArray("allowedPairs"u8);
                foreach (var pair in port.AllowedPairs)
                {
                    writer.WriteStartObject();
                    writer.WriteString("address"u8, pair.Address);
                    writer.WriteString("mac"u8, pair.Mac);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
            if (writer.BytesPending > FlushBytes)
            {
                writer.Flush();
            }
        }

        writer.WriteEndArray();
    }
}
