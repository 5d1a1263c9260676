using System.Text;

namespace Dashboard.Core.Iptables;

/// <summary>A growable UTF-8 byte buffer reused from line to line (ArrayBufferWriter without the span-invalidation rules).</summary>
internal sealed class Utf8Builder
{
    private byte[] _bytes = new byte[256];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Written => _bytes.AsSpan(0, Length);

    public ReadOnlySpan<byte> Slice(int start, int length) => _bytes.AsSpan(start, length);

    public void Clear() => Length = 0;

    public void Truncate(int length) => Length = Math.Clamp(length, 0, Length);

    public void Append(byte value)
    {
        Reserve(1);
        _bytes[Length++] = value;
    }

    public void Append(ReadOnlySpan<byte> value)
    {
        Reserve(value.Length);
        value.CopyTo(_bytes.AsSpan(Length));
        Length += value.Length;
    }

    public void Append(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        Reserve(Encoding.UTF8.GetMaxByteCount(value.Length));
        Length += Encoding.UTF8.GetBytes(value, _bytes.AsSpan(Length));
    }

    /// <summary>Appends one argument as iptables-save would print it: quoted only when it has to be (or asked to), \ and " escaped.</summary>
    public void AppendArgument(ReadOnlySpan<byte> argument, bool keepQuotes)
    {
        if (!keepQuotes && !NeedsQuotes(argument))
        {
            Append(argument);
            return;
        }

        Reserve(argument.Length * 2 + 2);
        _bytes[Length++] = (byte)'"';
        foreach (var c in argument)
        {
            if (c is (byte)'"' or (byte)'\\')
            {
                _bytes[Length++] = (byte)'\\';
            }

            _bytes[Length++] = c;
        }

        _bytes[Length++] = (byte)'"';
    }

    public override string ToString() => Encoding.UTF8.GetString(Written);

    private static bool NeedsQuotes(ReadOnlySpan<byte> argument)
    {
        if (argument.IsEmpty)
        {
            return true;
        }

        foreach (var c in argument)
        {
            if (c <= (byte)' ' || c == (byte)'"')
            {
                return true;
            }
        }

        return false;
    }

    private void Reserve(int count)
    {
        if (Length + count > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Max(Length + count, _bytes.Length * 2));
        }
    }
}
