using System.Text;
using Dashboard.Core.Parsing;

namespace Dashboard.Core.Keepalived;

/// <summary>The `keepalived` format: notify FIFO lines or a keepalived.data dump, told apart by their first lines.</summary>
public static class KeepalivedParser
{
    public static ParseOutcome<KeepalivedState> Parse(Stream input)
    {
        var peeked = PeekedStream.Peek(input, 4096, out var head);
        return LooksLikeNotifyLines(head) ? KeepalivedNotifyParser.Parse(peeked) : KeepalivedDataParser.Parse(peeked);
    }

    private static bool LooksLikeNotifyLines(ReadOnlySpan<byte> head)
    {
        var text = Encoding.UTF8.GetString(head);
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.Trim();
            if (trimmed.Length == 0)
            {
                continue;
            }

            return trimmed.StartsWith("INSTANCE ", StringComparison.Ordinal) || trimmed.StartsWith("GROUP ", StringComparison.Ordinal)
                || trimmed.StartsWith("RS ", StringComparison.Ordinal) || trimmed.StartsWith("VS ", StringComparison.Ordinal);
        }

        return false;
    }
}
