using System.Buffers;

namespace Dashboard.Server.Ingest;

/// <summary>A request body held in a pooled array: agent batches are 50–600 KB, which would otherwise be a large-object allocation per push.</summary>
public sealed class PooledBody : IDisposable
{
    private byte[] _buffer;

    public PooledBody(int capacityHint) => _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacityHint, 16 * 1024));

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    /// <summary>A read-only stream over the bytes, without copying them; valid until disposed.</summary>
    public Stream AsStream() => new MemoryStream(_buffer, 0, Length, writable: false);

    /// <summary>Room for at least <paramref name="size"/> more bytes at the end.</summary>
    public Memory<byte> FreeSpace(int size)
    {
        if (_buffer.Length - Length < size)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + size));
            _buffer.AsSpan(0, Length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        return _buffer.AsMemory(Length);
    }

    public void Advance(int count) => Length += count;

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, []);
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        Length = 0;
    }
}
