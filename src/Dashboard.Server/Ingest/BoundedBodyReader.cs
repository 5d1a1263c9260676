using System.IO.Compression;

namespace Dashboard.Server.Ingest;

public enum BodyReadStatus
{
    Ok,
    TooLarge,
    BadEncoding,
}

/// <summary>Reads a request body, gunzipping when asked, and stops as soon as the decompressed size passes the limit.</summary>
public static class BoundedBodyReader
{
    public static async Task<(BodyReadStatus Status, MemoryStream? Body, string? Error)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
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

        var body = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    break;
                }

                // Checked while decompressing, so a gzip bomb stops after the limit, not after inflating.
                if (body.Length + read > maxBytes)
                {
                    return (BodyReadStatus.TooLarge, null, $"The body is larger than {maxBytes} bytes (after decompression).");
                }

                body.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            return (BodyReadStatus.BadEncoding, null, $"The gzip body is corrupt: {e.Message}");
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (BodyReadStatus.TooLarge, null, $"The body is larger than {maxBytes} bytes.");
        }
        finally
        {
            if (!ReferenceEquals(source, request.Body))
            {
                await source.DisposeAsync();
            }
        }

        body.Position = 0;
        return (BodyReadStatus.Ok, body, null);
    }
}
