using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Dashboard.Benchmarks;

public static class BenchmarkConfig
{
    /// <summary>Reports go beside the build output, never into the folder the command was started from.</summary>
    public static string ArtifactsPath { get; } = Path.Combine(AppContext.BaseDirectory, "BenchmarkDotNet.Artifacts");

    // The machines have no .NET 9 runtime to start a separate benchmark process with, so benchmarks run in-process.
    public static IConfig Create() => DefaultConfig.Instance
        .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
        .AddDiagnoser(MemoryDiagnoser.Default)
        .WithOptions(ConfigOptions.DisableOptimizationsValidator)
        .WithArtifactsPath(ArtifactsPath);
}
