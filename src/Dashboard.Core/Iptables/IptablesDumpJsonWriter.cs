using System.Text.Json;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Iptables;

/// <summary>
/// <see cref="IptablesDump"/> as JSON, byte for byte what <see cref="Batches.DashboardJsonContext"/> writes, without the
/// serializer's per-property machinery: a 20,000-rule dump is 5 MB of JSON, passed on as it is written.
/// </summary>
public static class IptablesDumpJsonWriter
{
    public static void Write(Utf8JsonWriter writer, IptablesDump dump)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(dump);
        writer.WriteStartObject();
        writer.WriteString("namespace"u8, dump.Namespace);
        writer.WriteString("variant"u8, dump.Variant);
        JsonArrayWriter.Write(writer, "tables"u8, dump.Tables, WriteTable);
        JsonArrayWriter.Write(writer, "neutronPorts"u8, dump.NeutronPorts, WritePort);
        writer.WriteNumber("rulesWithoutCounters"u8, dump.RulesWithoutCounters);
        ParseWarningJsonWriter.Write(writer, dump.Warnings);
        writer.WriteEndObject();
    }

    private static void WriteTable(Utf8JsonWriter writer, IptablesTable table)
    {
        writer.WriteStartObject();
        writer.WriteString("name"u8, table.Name);
        JsonArrayWriter.Write(writer, "chains"u8, table.Chains, WriteChain);
        writer.WriteEndObject();
    }

    private static void WriteChain(Utf8JsonWriter writer, IptablesChain chain)
    {
        writer.WriteStartObject();
        writer.WriteString("name"u8, chain.Name);
        writer.WriteString("policy"u8, chain.Policy);
        WriteCount(writer, "packets"u8, chain.PacketCount);
        WriteCount(writer, "bytes"u8, chain.ByteCount);
        WriteNeutron(writer, chain.Neutron);
        JsonArrayWriter.Write(writer, "rules"u8, chain.Rules, WriteRule);
        writer.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter writer, IptablesRule rule)
    {
        writer.WriteStartObject();
        writer.WriteNumber("index"u8, rule.Index);
        WriteCount(writer, "packets"u8, rule.PacketCount);
        WriteCount(writer, "bytes"u8, rule.ByteCount);
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

    private static void WriteCount(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ulong? count)
    {
        if (count is { } value)
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteNull(name);
        }
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

    private static void WritePort(Utf8JsonWriter writer, NeutronPort port)
    {
        writer.WriteStartObject();
        writer.WriteString("port"u8, port.Port);
        writer.WriteString("device"u8, port.Device);
        // [JsonIgnore(WhenWritingNull)]: only what Open vSwitch told is written, so iptables dumps keep their shape.
        if (port.PortId is not null)
        {
            writer.WriteString("portId"u8, port.PortId);
        }

        if (port.Mac is not null)
        {
            writer.WriteString("mac"u8, port.Mac);
        }

        if (port.OfPort is { } ofport)
        {
            writer.WriteNumber("ofPort"u8, ofport);
        }
        JsonArrayWriter.Write(writer, "allowedPairs"u8, port.AllowedPairs, WritePair);
        writer.WriteEndObject();
    }

    private static void WritePair(Utf8JsonWriter writer, NeutronAllowedPair pair)
    {
        writer.WriteStartObject();
        writer.WriteString("address"u8, pair.Address);
        writer.WriteString("mac"u8, pair.Mac);
        writer.WriteEndObject();
    }
}
