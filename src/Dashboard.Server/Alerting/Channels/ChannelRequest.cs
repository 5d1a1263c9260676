using System.Text;
using System.Text.Json.Nodes;

namespace Dashboard.Server.Alerting.Channels;

/// <summary>A POST to make: where, the JSON body, extra headers.</summary>
public sealed record ChannelRequest(Uri Url, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public static ChannelRequest Json(string url, JsonNode body, IReadOnlyDictionary<string, string>? headers = null) =>
        new(new Uri(url), body.ToJsonString(AlertingJson.Options), headers ?? new Dictionary<string, string>());

    public byte[] Utf8Body => Encoding.UTF8.GetBytes(Body);
}
