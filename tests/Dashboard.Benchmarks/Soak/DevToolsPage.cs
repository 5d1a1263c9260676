using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dashboard.Benchmarks.Soak;

/// <summary>Evaluates a JavaScript expression in the page of a Chromium started with --remote-debugging-port (Runtime.evaluate over the DevTools protocol).</summary>
public static class DevToolsPage
{
    public static async Task<string?> EvaluateAsync(int debuggingPort, string expression, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var targets = JsonNode.Parse(await http.GetStringAsync($"http://127.0.0.1:{debuggingPort}/json/list", ct))!.AsArray();
        var page = targets.FirstOrDefault(t => (string?)t!["type"] == "page") ?? throw new InvalidOperationException("the browser has no page");
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(new Uri((string)page["webSocketDebuggerUrl"]!), ct);
        var command = new JsonObject
        {
            ["id"] = 1,
            ["method"] = "Runtime.evaluate",
            ["params"] = new JsonObject { ["expression"] = expression, ["returnByValue"] = true },
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(command.ToJsonString()), WebSocketMessageType.Text, endOfMessage: true, ct);
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, ct);
                message.Write(buffer, 0, received.Count);
            }
            while (!received.EndOfMessage);

            var reply = JsonNode.Parse(message.ToArray())!;
            if ((int?)reply["id"] == 1)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", ct);
                var value = reply["result"]?["result"]?["value"];
                return value is null ? null : value.GetValueKind() == JsonValueKind.String ? (string?)value : value.ToJsonString();
            }
        }
    }
}
