using BenchmarkDotNet.Running;
using Dashboard.Benchmarks;
using Dashboard.Benchmarks.IngestLoad;
using Dashboard.Benchmarks.Soak;

// `generate NAME LINES FILE [SEED]` writes a synthetic capture; `loadgen`/`querybench` load the server; `soak` and
// `wallcost` measure a running server process; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "generate")
{
    return InputGenerators.Run(args[1..]);
}

if (args.Length > 0 && args[0] is "loadgen" or "querybench")
{
    return await LoadgenCommand.RunAsync(args);
}

if (args.Length > 0 && args[0] == "soak")
{
    return await SoakCommand.RunAsync(args[1..]);
}

if (args.Length > 0 && args[0] == "wallcost")
{
    return await WallCostCommand.RunAsync(args[1..]);
}

BenchmarkSwitcher.FromAssembly(typeof(InputGenerators).Assembly).Run(args, BenchmarkConfig.Create());
return 0;
