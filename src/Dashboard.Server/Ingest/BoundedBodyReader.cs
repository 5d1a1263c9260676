using System.IO.Compression;

namespace Dashboard.Server.Ingest;

public enum BodyReadStatus
{
    Ok,
    TooLarge,
    BadEncoding,

    /// <summary>The client sent the body too slowly (Kestrel's minimum data rate): an expected client error, not a fault.</summary>
    TimedOut,
}

/// <summary>Reads a request body, gunzipping when asked, and stops as soon as the decompressed size passes the limit.</summary>
public static class BoundedBodyReader
{
    public static async Task<(BodyReadStatus Status, PooledBody? Body, string? Error)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        var encoding = request.Headers.ContentEncoding.ToString().Trim();
        Stream source = request.Body;
        if (encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase))
        {
            source = new GZipStream(request.Body, CompressionMode.Decompress, leaveOpen: true);
        }
        else if (encoding.Length > 0 && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (BodyReadStatus.BadEncoding, null, $"Content-Encoding '{encoding}' is not supported; send gzip or nothing.");
        }

        // The declared length sizes the buffer once for plain bodies; never trusted beyond the limit.
        var hint = ReferenceEquals(source, request.Body) && request.ContentLength is { } declared ? (int)Math.Min(declared + 1, maxBytes + 1) : 64 * 1024;
        var body = new PooledBody(hint);
        var complete = false;
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(body.FreeSpace(16 * 1024), ct);
                if (read == 0)
                {
                    break;
                }

                // Checked while decompressing, so a gzip bomb stops after the limit, not after inflating.
                if (body.Length + read > maxBytes)
                {
                    return (BodyReadStatus.TooLarge, null, $"The body is larger than {maxBytes} bytes (after decompression).");
                }

                body.Advance(read);
            }

            complete = true;
        }
        catch (InvalidDataException e)
        {
            return (BodyReadStatus.BadEncoding, null, $"The gzip body is corrupt: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (BodyReadStatus.TooLarge, null, $"The body is larger than {maxBytes} bytes.");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            return (BodyReadStatus.TimedOut, null, "The body arrived too slowly; nothing was stored.");
        }
        finally
        {
            // Only a body read to its end is handed out; every other way out gives the buffer back.
            if (!complete)
            {
                body.Dispose();
            }

            if (!ReferenceEquals(source, request.Body))
            {
                await source.DisposeAsync();
            }
        }

        return (BodyReadStatus.Ok, body, null);
    }
}
