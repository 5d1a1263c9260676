using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace Dashboard.Server.Alerting;

/// <summary>JSON settings for what alerting stores and sends: web casing, Chinese kept readable, HTML-significant characters escaped.</summary>
public static class AlertingJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
    };

    public static readonly JsonWriterOptions Writer = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };
}
