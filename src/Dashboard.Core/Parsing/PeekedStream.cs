namespace Dashboard.Core.Parsing;

/// <summary>A read-only stream whose first bytes were already read to look at them, then the rest of the original.</summary>
public sealed class PeekedStream(byte[] head, int headLength, Stream rest) : ForwardReadStream
{
    private int _headPosition;

    public static PeekedStream Peek(Stream input, int bytes, out ReadOnlySpan<byte> head)
    {
        var buffer = new byte[bytes];
        var filled = 0;
        int read;
        while (filled < bytes && (read = input.Read(buffer, filled, bytes - filled)) > 0)
        {
            filled += read;
        }

        head = buffer.AsSpan(0, filled);
        return new PeekedStream(buffer, filled, input);
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_headPosition < headLength)
        {
            var n = Math.Min(count, headLength - _headPosition);
            Array.Copy(head, _headPosition, buffer, offset, n);
            _headPosition += n;
            return n;
        }

        return rest.Read(buffer, offset, count);
    }
}
