using BenchmarkDotNet.Running;
using Dashboard.Benchmarks;
using Dashboard.Benchmarks.IngestLoad;

// `generate NAME LINES FILE [SEED]` writes a synthetic capture; `loadgen`/`querybench` load the running server; anything else goes to BenchmarkDotNet.
if (args.Length > 0 && args[0] == "generate")
{
    return InputGenerators.Run(args[1..]);
}

if (args.Length > 0 && args[0] is "loadgen" or "querybench")
{
    return await LoadgenCommand.RunAsync(args);
}

BenchmarkSwitcher.FromAssembly(typeof(InputGenerators).Assembly).Run(args, BenchmarkConfig.Create());
return 0;
