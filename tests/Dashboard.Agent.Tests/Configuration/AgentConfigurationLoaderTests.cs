using System.Collections;
using Dashboard.Agent.Configuration;
using Dashboard.Agent.Tests.Shared;

namespace Dashboard.Agent.Tests.Configuration;

public sealed class AgentConfigurationLoaderTests : IDisposable
{
    private static readonly IDictionary s_noEnvironment = new Hashtable();

    private readonly TestDirectory _directory = new();

    [Theory]
    [InlineData("director.json")]
    [InlineData("hypervisor.json")]
    [InlineData("hypervisor-ovs.json")]
    [InlineData("nsx.json")]
    public void Load_ShippedExample_IsValid(string example)
    {
        // Arrange: the token file the example names lives elsewhere on a real host.
        var token = _directory.WriteFile("token", "example-token\n");

        // Act
        var outcome = AgentConfigurationLoader.Load(Fixtures.Example(example), [new(AgentConfigNames.TokenFile, token)], forSending: true, s_noEnvironment);

        // Assert
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        Assert.Equal("example-token", outcome.Token);
        Assert.Equal(new Uri("https://dashboard.example.net"), outcome.Options!.Server);
    }

    [Fact]
    public void Load_NoKeys_UsesTheDocumentedDefaults()
    {
        // Act
        var outcome = AgentConfigurationLoader.Load(null, [new(AgentConfigNames.IpvsEnabled, "true")], forSending: false, s_noEnvironment);

        // Assert
        var options = outcome.Options!;
        Assert.Equal(Environment.MachineName, options.Host);
        Assert.Equal(5, options.IntervalSeconds);
        Assert.Equal("/var/lib/dashboard-agent/spool", options.SpoolDirectory);
        Assert.Equal(64L * 1024 * 1024, options.SpoolMaxBytes);
        Assert.Equal(24, options.SpoolMaxAgeHours);
        Assert.Equal("/proc", options.Collectors.Ipvs.ProcRoot);
        Assert.Equal("iptables-save -c", options.Collectors.Iptables.Command);
    }

    [Fact]
    public void Load_EnvironmentOverFileAndFlagsOverEnvironment_LastLayerWins()
    {
        // Arrange
        var file = _directory.WriteFile("agent.json", """
            { "Host": "from-file", "IntervalSeconds": 7, "Collectors": { "Ipvs": { "Enabled": true, "ProcRoot": "/from/file" } } }
            """);
        var environment = new Hashtable
        {
            ["DASHBOARD_AGENT__Host"] = "from-environment",
            ["DASHBOARD_AGENT__Collectors__Ipvs__ProcRoot"] = "/from/environment",
            ["DASHBOARD_AGENT__Collectors__Iptables__Tables"] = "filter, raw",
            ["UNRELATED"] = "ignored",
        };

        // Act
        var outcome = AgentConfigurationLoader.Load(file, [new(AgentConfigNames.Host, "from-flag")], forSending: false, environment);

        // Assert
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        var options = outcome.Options!;
        Assert.Equal("from-flag", options.Host);
        Assert.Equal("/from/environment", options.Collectors.Ipvs.ProcRoot);
        Assert.Equal(7, options.IntervalSeconds);
        Assert.Equal(["filter", "raw"], options.Collectors.Iptables.Tables);
    }

    [Fact]
    public void Load_ManyBadValues_OneOutcomeNamingEveryKey()
    {
        // Arrange
        var file = _directory.WriteFile("agent.json", """
            {
              "Server": "ftp://dashboard",
              "Host": "two words",
              "IntervalSeconds": "soon",
              "SpoolDirectory": "relative/spool",
              "SpoolMaxBytes": 10,
              "SpoolMaxAgeHours": 0,
              "Push": { "MaxRetries": 99 },
              "Collectors": {
                "Ipvs": { "Enabled": "yes", "TopSynRecvSources": -1 },
                "Iptables": { "Enabled": true, "Command": "iptables-save 'unterminated", "Namespaces": [ "a/b" ], "Tables": [ "filter", "bogus" ] },
                "Nsx": { "Enabled": true, "ApiUrl": "https://nsx.example.net/api" },
                "Keepalived": { "Enabled": true },
                "Ipvsadm": { "Enabled": true }
              }
            }
            """);

        // Act
        var outcome = AgentConfigurationLoader.Load(file, [], forSending: true, s_noEnvironment);

        // Assert
        Assert.False(outcome.Succeeded);
        string[] keys =
        [
            "Server", "TokenFile", "Host", "IntervalSeconds", "SpoolDirectory", "SpoolMaxBytes", "SpoolMaxAgeHours", "Push:MaxRetries",
            "Collectors:Ipvs:Enabled", "Collectors:Iptables:Command", "Collectors:Iptables:Namespaces:0", "Collectors:Iptables:Tables:1",
            "Collectors:Nsx:User", "Collectors:Nsx:PasswordFile", "Collectors:Keepalived:NotifyFifo", "Collectors:Ipvsadm:Enabled",
        ];
        foreach (var key in keys)
        {
            Assert.Contains(outcome.Errors, e => e.StartsWith(key + ":", StringComparison.Ordinal));
        }

        var message = outcome.Describe();
        Assert.StartsWith("invalid configuration:", message, StringComparison.Ordinal);
        Assert.All(outcome.Errors, e => Assert.Contains(e, message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IntervalSeconds", "0", "IntervalSeconds")]
    [InlineData("IntervalSeconds", "3601", "IntervalSeconds")]
    [InlineData("SpoolMaxBytes", "-1", "SpoolMaxBytes")]
    [InlineData("SpoolMaxAgeHours", "x", "SpoolMaxAgeHours")]
    [InlineData("Server", "not a url", "Server")]
    [InlineData("Server", "https://dashboard.example.net/?a=1", "Server")]
    [InlineData("Host", "", "Host")]
    [InlineData("Push:RequestTimeoutSeconds", "0", "Push:RequestTimeoutSeconds")]
    [InlineData("Push:RetryBaseDelayMilliseconds", "0", "Push:RetryBaseDelayMilliseconds")]
    [InlineData("Push:MaxRetryDelaySeconds", "0", "Push:MaxRetryDelaySeconds")]
    [InlineData("Collectors:Ipvs:ProcRoot", "proc", "Collectors:Ipvs:ProcRoot")]
    [InlineData("Collectors:Ipvs:TopSynRecvSources", "1001", "Collectors:Ipvs:TopSynRecvSources")]
    [InlineData("Collectors:Ipvs:IpvsadmPath", "", "Collectors:Ipvs:IpvsadmPath")]
    [InlineData("Collectors:Iptables:HostNamespace", "false", "Collectors:Iptables:Namespaces")]
    [InlineData("Collectors:Keepalived:NotifyFifo", "notify.fifo", "Collectors:Keepalived:NotifyFifo")]
    [InlineData("Collectors:Nsx:Command", "vsipioctl getfilterstat", "Collectors:Nsx:Command")]
    [InlineData("Token", "abc", "Token")]
    [InlineData("Colectors:Ipvs:Enabled", "true", "Colectors:Ipvs:Enabled")]
    public void Load_OneBadKey_ErrorNamesThatKey(string key, string value, string named)
    {
        // Arrange: an otherwise valid configuration.
        var token = _directory.WriteFile("token", "t0ken");
        var fifo = _directory.WriteFile("fifo", "");
        List<KeyValuePair<string, string?>> settings =
        [
            new(AgentConfigNames.Server, "https://dashboard.example.net"),
            new(AgentConfigNames.TokenFile, token),
            new(AgentConfigNames.SpoolDirectory, _directory.Combine("spool")),
            new(AgentConfigNames.IpvsEnabled, "true"),
            new(AgentConfigNames.IptablesEnabled, "true"),
            new(AgentConfigNames.NsxEnabled, "true"),
            new(AgentConfigNames.NsxApiUrl, "https://nsx.example.net/policy/api/v1/infra"),
            new(AgentConfigNames.NsxUser, "reader"),
            new(AgentConfigNames.NsxPasswordFile, token),
            new(AgentConfigNames.KeepalivedEnabled, "true"),
            new(AgentConfigNames.KeepalivedNotifyFifo, fifo),
        ];
        Assert.True(AgentConfigurationLoader.Load(null, settings, forSending: true, s_noEnvironment).Succeeded);
        settings.Add(new(key, value));

        // Act
        var outcome = AgentConfigurationLoader.Load(null, settings, forSending: true, s_noEnvironment);

        // Assert
        var error = Assert.Single(outcome.Errors);
        Assert.StartsWith(named + ":", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iptables-save", false)]
    [InlineData("/usr/sbin/iptables-nft-save -t filter", false)]
    [InlineData("sudo ip6tables-legacy-save", false)]
    [InlineData("iptables-save -c", true)]
    [InlineData("iptables-nft-save --counters -t filter", true)]
    [InlineData("sh -c 'cat /var/tmp/dump'", true)]
    public void Issue24_IptablesCommandWithoutCounters_IsRefused(string command, bool accepted)
    {
        // Act
        var outcome = AgentConfigurationLoader.Load(null, [new(AgentConfigNames.IptablesEnabled, "true"), new(AgentConfigNames.IptablesCommand, command)],
            forSending: false, s_noEnvironment);

        // Assert
        Assert.Equal(accepted, outcome.Succeeded);
        if (!accepted)
        {
            var error = Assert.Single(outcome.Errors);
            Assert.StartsWith("Collectors:Iptables:Command:", error, StringComparison.Ordinal);
            Assert.Contains("prints no rule counters", error, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("br-int", true)]
    [InlineData("unix:/run/ovslab/lab/br-int.mgmt", true)]
    [InlineData("br int", false)]
    [InlineData("/run/br-int.mgmt", false)]
    [InlineData("--names", false)]
    public void Issue24_OvsCollectorBridges_NamesAndUnixTargetsAccepted(string bridge, bool accepted)
    {
        // Act
        var outcome = AgentConfigurationLoader.Load(null, [new(AgentConfigNames.OvsEnabled, "true"), new(AgentConfigNames.OvsBridges + ":0", bridge)],
            forSending: false, s_noEnvironment);

        // Assert
        Assert.Equal(accepted, outcome.Succeeded);
        if (accepted)
        {
            Assert.Equal([bridge], outcome.Options!.Collectors.Ovs.Bridges);
        }
        else
        {
            Assert.StartsWith("Collectors:Ovs:Bridges:0:", Assert.Single(outcome.Errors), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("unix:/run/ovslab/lab/db.sock", true)]
    [InlineData("tcp:127.0.0.1:6640", true)]
    [InlineData("/run/openvswitch/db.sock", false)]
    [InlineData("unix:/run/db.sock --oneline", false)]
    public void Load_OvsdbRemote_SocketAndManagerFormsAccepted(string remote, bool accepted)
    {
        // Act
        var outcome = AgentConfigurationLoader.Load(null, [new(AgentConfigNames.OvsEnabled, "true"), new(AgentConfigNames.OvsOvsdbRemote, remote)],
            forSending: false, s_noEnvironment);

        // Assert
        Assert.Equal(accepted, outcome.Succeeded);
        if (accepted)
        {
            Assert.Equal((remote, "ovs-vsctl"), (outcome.Options!.Collectors.Ovs.OvsdbRemote, outcome.Options.Collectors.Ovs.VsctlPath));
        }
        else
        {
            Assert.StartsWith("Collectors:Ovs:OvsdbRemote:", Assert.Single(outcome.Errors), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Load_NoCollectorEnabled_SaysSo()
    {
        // Act
        var outcome = AgentConfigurationLoader.Load(null, [], forSending: false, s_noEnvironment);

        // Assert
        Assert.StartsWith("Collectors:", Assert.Single(outcome.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DryRun_NeedsNoServerOrToken()
    {
        // Act
        var outcome = AgentConfigurationLoader.Load(null, [new(AgentConfigNames.KeepalivedEnabled, "true"),
            new(AgentConfigNames.KeepalivedDataFile, "/tmp/keepalived.data")], forSending: false, s_noEnvironment);

        // Assert
        Assert.True(outcome.Succeeded, string.Join("\n", outcome.Errors));
        Assert.Null(outcome.Token);
    }

    [Fact]
    public void Load_MissingFile_NamesTheFlag()
    {
        // Act
        var outcome = AgentConfigurationLoader.Load(_directory.Combine("absent.json"), [], forSending: true, s_noEnvironment);

        // Assert
        Assert.StartsWith("--config:", Assert.Single(outcome.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MalformedJson_NamesTheFile()
    {
        // Arrange
        var file = _directory.WriteFile("agent.json", "{ \"Server\": ");

        // Act
        var outcome = AgentConfigurationLoader.Load(file, [], forSending: true, s_noEnvironment);

        // Assert
        var error = Assert.Single(outcome.Errors);
        Assert.StartsWith("--config:", error, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_EmptyTokenFile_NamesTokenFile()
    {
        // Arrange
        var token = _directory.WriteFile("token", "\n");

        // Act
        var outcome = AgentConfigurationLoader.Load(null, [new(AgentConfigNames.Server, "http://127.0.0.1:1"), new(AgentConfigNames.TokenFile, token),
            new(AgentConfigNames.IpvsEnabled, "true")], forSending: true, s_noEnvironment);

        // Assert
        Assert.StartsWith("TokenFile:", Assert.Single(outcome.Errors), StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Dispose();
}
