using Dashboard.Core.Parsing;
using Microsoft.Win32.SafeHandles;

namespace Dashboard.Core.Ipvs;

/// <summary>
/// Reads a file from an offset on with positional reads, so several threads can read one open file at once.
/// Written here: FileStream shares one position between its readers.
/// </summary>
internal sealed class FileRangeStream(SafeFileHandle handle, long offset) : ForwardReadStream
{
    private long _position = offset;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var read = RandomAccess.Read(handle, buffer, _position);
        _position += read;
        return read;
    }
}
