using System.Text.Json;
using Dashboard.Agent.Cli;
using Dashboard.Agent.Tests.Shared;
using Dashboard.Core.Batches;

namespace Dashboard.Agent.Tests.Cli;

public sealed class AgentCommandLineTests : IDisposable
{
    private readonly TestDirectory _directory = new();

    [Fact]
    public async Task RunAsync_Version_PrintsTheVersion()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["version"]);

        // Assert
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Matches(@"^dashboard-agent \d+\.\d+\.\d+", run.Output);
    }

    [Fact]
    public async Task RunAsync_UnknownCommand_ExitsWithUsage()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["frobnicate"]);

        // Assert
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("usage: dashboard-agent", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SuggestDirectiveOnAFormatPrefix_CompletesTheFormats()
    {
        // Act: what dotnet-suggest asks when Tab is pressed after "dashboard-agent parse proc-".
        var run = await CommandLineRun.RunAsync(["[suggest:11]", "parse proc-"]);

        // Assert
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var suggestions = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("proc-ip-vs", suggestions);
        Assert.Contains("proc-ip-vs-conn", suggestions);
        Assert.DoesNotContain("ipvsadm", suggestions);
    }

    [Fact]
    public async Task RunAsync_ParseHelp_DescribesArgumentsAndOptions()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["parse", "--help"]);

        // Assert
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Contains("parse <FORMAT> [<FILE>] [options]", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("--threads", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_ParseUnknownFormat_ExitsTwoListingTheKnownFormats()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["parse", "ipvsadm-xml", "-"]);

        // Assert
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("unknown format 'ipvsadm-xml'; known formats: ", run.Error, StringComparison.Ordinal);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task RunAsync_ParseProcIpVsFile_PrintsTheServiceTableJson()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["parse", "proc-ip-vs", Path.Combine(Fixtures.ProcRoot, "net", "ip_vs")]);

        // Assert
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        var services = json.RootElement.GetProperty("services");
        Assert.Equal(5, services.GetArrayLength());
        Assert.Equal("192.168.0.22:3306", services[0].GetProperty("virtual").GetString());
    }

    [Fact]
    public async Task RunAsync_ParseStatsFromStdin_PrintsTheCounters()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["parse", "proc-ip-vs-stats"], File.ReadAllText(Path.Combine(Fixtures.ProcRoot, "net", "ip_vs_stats")));

        // Assert
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(0x16AA370UL, json.RootElement.GetProperty("totals").GetProperty("connections").GetUInt64());
    }

    [Fact]
    public async Task RunAsync_ParseNothingUsable_ExitsTwoWithLineAndReason()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["parse", "proc-ip-vs", "-"], "hello\nworld\n");

        // Assert
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Equal("", run.Output);
        Assert.Matches(@"(?m)^line \d+: ", run.Error);
    }

    [Fact]
    public async Task RunAsync_ParseMissingFile_ExitsTwoNamingIt()
    {
        // Arrange
        var absent = _directory.Combine("absent.txt");

        // Act
        var run = await CommandLineRun.RunAsync(["parse", "proc-ip-vs", absent]);

        // Assert: an unknown format is reported first when no parser is built in.
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.True(run.Error.Contains(absent, StringComparison.Ordinal) || run.Error.StartsWith("unknown format", StringComparison.Ordinal), run.Error);
    }

    [Fact]
    public async Task RunAsync_RunWithBadConfiguration_ExitsTwoWithOneMessageNamingEachKey()
    {
        // Arrange
        var config = _directory.WriteFile("agent.json", """{ "Server": "nope", "IntervalSeconds": 0, "Collectors": { "Ipvs": { "Enabled": true } } }""");

        // Act
        var run = await CommandLineRun.RunAsync(["run", "--config", config, "--set", "SpoolMaxAgeHours=-3"]);

        // Assert
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.StartsWith("invalid configuration:", run.Error, StringComparison.Ordinal);
        foreach (var key in new[] { "Server:", "TokenFile:", "IntervalSeconds:", "SpoolMaxAgeHours:" })
        {
            Assert.Contains("  " + key, run.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RunAsync_SetWithoutEquals_ExitsWithUsage()
    {
        // Act
        var run = await CommandLineRun.RunAsync(["once", "--dry-run", "--set", "Host"]);

        // Assert
        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("expected KEY=VALUE", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OnceDryRun_PrintsTheBatchAndWritesNothing()
    {
        // Arrange
        var spool = _directory.Combine("spool");
        var config = _directory.WriteFile("agent.json", $$"""
            { "Host": "lvs-director-1", "SpoolDirectory": "{{spool}}",
              "Collectors": { "Keepalived": { "Enabled": true, "DataFile": "{{_directory.Combine("keepalived.data")}}" } } }
            """);

        // Act
        var run = await CommandLineRun.RunAsync(["once", "--config", config, "--dry-run"]);

        // Assert
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        var batch = JsonSerializer.Deserialize(run.Output, DashboardJsonContext.Default.AgentBatch)!;
        Assert.Equal("lvs-director-1", batch.Host);
        Assert.True(batch.Sequence > 0);
        Assert.False(string.IsNullOrEmpty(batch.AgentVersion));
        Assert.False(Directory.Exists(spool));
    }

    [Fact]
    public async Task RunAsync_OnceServerUp_DeliversAndExitsZero()
    {
        // Arrange
        await using var server = await TestIngestServer.StartAsync();
        var config = AgentConfig(server.BaseUrl);

        // Act
        var run = await CommandLineRun.RunAsync(["once", "--config", config, "--host", "compute-07"]);

        // Assert
        Assert.Equal(ExitCodes.Success, run.ExitCode);
        Assert.Equal("compute-07", Assert.Single(server.Stored).Host);
        Assert.Contains("delivered", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_OnceServerDown_SpoolsAndExitsOne()
    {
        // Arrange
        var down = await TestIngestServer.StartAsync();
        var url = down.BaseUrl;
        await down.DisposeAsync();
        var config = AgentConfig(url);

        // Act
        var run = await CommandLineRun.RunAsync(["once", "--config", config, "--set", "Push:MaxRetries=0"]);

        // Assert
        Assert.Equal(ExitCodes.NotDelivered, run.ExitCode);
        Assert.Contains("spooled", run.Error, StringComparison.Ordinal);
        Assert.Single(Directory.EnumerateFiles(_directory.Combine("spool"), "*.batch"));
    }

    private string AgentConfig(Uri server)
    {
        var token = _directory.WriteFile("token", TestIngestServer.Token + "\n");
        return _directory.WriteFile("agent.json", $$"""
            { "Server": "{{server}}", "TokenFile": "{{token}}", "SpoolDirectory": "{{_directory.Combine("spool")}}",
              "Collectors": { "Keepalived": { "Enabled": true, "DataFile": "{{_directory.Combine("keepalived.data")}}" } } }
            """);
    }

    public void Dispose() => _directory.Dispose();
}
