using System.Text;
using System.Text.Json;
using Dashboard.Core.Ipvs;

namespace Dashboard.Benchmarks.IngestLoad;

/// <summary>A real server's counts by state as the baselines' <c>by_state</c> jsonb text.</summary>
public static class BaselineJson
{
    public static string ByState(StateCounts values)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            StateCountsJsonConverter.WriteObject(writer, values);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
