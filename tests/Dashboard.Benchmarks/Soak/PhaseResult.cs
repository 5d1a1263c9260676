using System.Globalization;

namespace Dashboard.Benchmarks.Soak;

/// <summary>The server's cost over one measured phase of the wall benchmark, with the walls' own CPU for context.</summary>
public sealed record PhaseResult(
    string Name, int Walls, int Agents, double CpuPercentMean, double CpuPercentPeak, double RssMegabytesEnd, double RssMegabytesPeak,
    int Threads, int OpenFiles, int PostgresConnections, long PushesOk, long PushesFailed, double BrowserCpuPercent, double BrowserPssMegabytes, string LoadAverage)
{
    public const string Header =
        "phase           walls  agents  server CPU % (mean)  CPU % (peak 5 s)  RSS MB (end)  RSS MB (peak)  threads  fds  pg conns  pushes ok/failed  browsers CPU %  browsers PSS MB  load average";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Name,-14}  {Walls,5}  {Agents,6}  {CpuPercentMean,19:0.0}  {CpuPercentPeak,16:0.0}  {RssMegabytesEnd,12:0.0}  {RssMegabytesPeak,13:0.0}  {Threads,7}  {OpenFiles,3}  {PostgresConnections,8}  "
        + $"{$"{PushesOk}/{PushesFailed}",16}  {BrowserCpuPercent,14:0.0}  {BrowserPssMegabytes,15:0}  {LoadAverage}");
}
