using System.Text;
using Dashboard.Core.Nsx;
using Dashboard.Core.Parsing;
using Dashboard.Core.Tests.Fuzzing;

namespace Dashboard.Core.Tests.Nsx;

/// <summary>
/// No real NSX statistics response with non-zero counters is public: the documents below use only the schema
/// fields the API reference documents (FirewallStatsList, SecurityPolicyStatistics and its ForEnforcementPoint
/// wrapper, DistributedFirewall, DatapathPacketDrops, DfwDropCounters), with invented values.
/// </summary>
public sealed class NsxApiStatsParserTests
{
    private static ParseOutcome<NsxFirewallStats> Parse(string json) => NsxApiStatsParser.Parse(TestText.Stream(json));

    [Fact]
    public void Parse_DocumentedLayoutFirewallStatsList_ReadsEveryRuleWithStringOrNumberCounts()
    {
        const string json = """
            {
              "section_id": "0f5f9f2c-1b1c-4c8e-9d41-22a1d2a3b4c5",
              "result_count": 2,
              "results": [
                { "rule_id": "1026", "packet_count": "583221", "byte_count": "62011120", "session_count": "12",
                  "total_session_count": "9211", "hit_count": "9211", "popularity_index": "3", "max_popularity_index": "5",
                  "max_session_count": "40", "l7_accept_count": "0", "l7_reject_count": "0", "l7_reject_with_response_count": "0" },
                { "rule_id": 1027, "packet_count": 6, "byte_count": 360, "session_count": 0, "total_session_count": 6, "hit_count": 6 }
              ]
            }
            """;

        var outcome = Parse(json);

        Assert.Empty(outcome.Diagnostics);
        Assert.Equal(
            [("1026", 583221UL, 62011120UL, 9211UL, 12UL), ("1027", 6UL, 360UL, 6UL, 0UL)],
            outcome.Value.Rules.Select(r => (r.RuleId, r.Packets, r.Bytes, r.Hits, r.Sessions)));
        Assert.Empty(outcome.Value.Filters);
    }

    [Fact]
    public void Parse_DocumentedLayoutPolicyStatisticsForEnforcementPoint_ReadsRulePathsAndIds()
    {
        const string json = """
            {
              "results": [
                {
                  "enforcement_point": "/infra/sites/default/enforcement-points/default",
                  "container_cluster_path": "",
                  "statistics": {
                    "internal_section_id": "c1d2",
                    "lr_path": "",
                    "result_count": 1,
                    "results": [
                      { "rule": "/infra/domains/default/security-policies/lvs/rules/allow-vip", "internal_rule_id": "3074",
                        "byte_count": 10240, "packet_count": 80, "hit_count": 8, "session_count": 2, "total_session_count": 8 }
                    ]
                  }
                }
              ]
            }
            """;

        var rule = Parse(json).Value.Rules.Single();

        Assert.Equal(("3074", "/infra/domains/default/security-policies/lvs/rules/allow-vip", 80UL, 10240UL, 8UL), (rule.RuleId, rule.Path, rule.Packets, rule.Bytes, rule.Hits));
    }

    [Fact]
    public void Parse_DocumentedLayoutDatapathDrops_MapsStateCheckToStateMismatchAndKeepsEveryDropsField()
    {
        const string json = """
            {
              "firewall_flood_limit_packet_drops": 0,
              "firewall_internal_error_packet_drops": 1,
              "firewall_malformed_packet_drops": 2,
              "firewall_packet_rejects": 9,
              "firewall_rule_received_packet_drops": 3,
              "firewall_state_check_packet_drops": "1870",
              "firewall_state_table_full_packet_drops": 0,
              "firewall_total_packet_drops": 1876
            }
            """;

        var outcome = Parse(json);

        Assert.Empty(outcome.Diagnostics);
        var filter = outcome.Value.Filters.Single();
        Assert.Equal("$", filter.Name);
        Assert.Equal(1870UL, filter.Counters[NsxReasonName.StateMismatch]);
        Assert.Equal(
            ["flood-limit", "internal-error", "malformed", "rule-received", "state-mismatch", "state-table-full", "total"],
            filter.Counters.Keys);
    }

    [Fact]
    public void Parse_DocumentedLayoutDistributedFirewallFields_BecomeReasonsWithoutKnowingTheirNames()
    {
        const string json = """{ "dfw": { "alg_handler_drops": 1, "bad_offset_drops": 2, "handshake_error_drops": 3, "match_drop_rule_rx_drops": 4, "some_future_reason_drops": "5" }, "drops": { "rx_dropped": 7, "tx_dropped": 8 } }""";

        var filters = Parse(json).Value.Filters;

        Assert.Equal(["$.dfw", "$.drops"], filters.Select(f => f.Name));
        Assert.Equal(["alg-handler", "bad-offset", "handshake-error", "match-drop-rule-rx", "some-future-reason"], filters[0].Counters.Keys);
        Assert.Equal([("rx-dropped", 7UL), ("tx-dropped", 8UL)], filters[1].Counters.Select(c => (c.Key, c.Value)));
    }

    [Fact]
    public void Parse_DropsUnderObjectsWithIds_NameEachFilterByTheNearestId()
    {
        const string json = """
            { "results": [
              { "id": "vif-a", "counters": { "state_mismatch_drops": 10 } },
              { "counters": { "state_mismatch_drops": 20 }, "display_name": "lvs-director-01.vNIC1" }
            ] }
            """;

        var filters = Parse(json).Value.Filters;

        Assert.Equal([("vif-a", 10UL), ("lvs-director-01.vNIC1", 20UL)], filters.Select(f => (f.Name, f.Counters["state-mismatch"])));
    }

    [Theory]
    [InlineData("""{ "results": [ { "rule_id": "1", "packet_count": -4, "hit_count": 1 } ] }""", 1L, "$.results[0].packet_count")]
    [InlineData("{\n  \"results\": [\n    { \"rule_id\": \"1\",\n      \"packet_count\": \"12x\" } ] }", 4L, "$.results[0].packet_count")]
    [InlineData("{\n \"a\": { \"x_drops\": 1.5 } }", 2L, "$.a.x_drops")]
    [InlineData("{\n \"a\": { \"x_drops\": 18446744073709551616 } }", 2L, "$.a.x_drops")]
    public void Parse_BadCount_ReportsLineAndJsonPathAndLeavesItOut(string json, long line, string path)
    {
        var outcome = Parse(json);

        var error = outcome.Diagnostics.First();
        Assert.Equal((line, path, DiagnosticSeverity.Error), (error.Line, error.Field, error.Severity));
    }

    [Fact]
    public void Parse_TruncatedJson_ReportsTheLineAndKeepsRulesAlreadyRead()
    {
        const string json = "{ \"results\": [\n { \"rule_id\": \"1\", \"hit_count\": 3 },\n { \"rule_id\": \"2\", \"hit_co";

        var outcome = Parse(json);

        var error = Assert.Single(outcome.Diagnostics);
        Assert.Equal(3L, error.Line);
        Assert.Contains("invalid JSON", error.Reason);
        Assert.Equal("1", outcome.Value.Rules.Single().RuleId);
    }

    [Fact]
    public void Parse_TooDeep_StopsWithAnErrorInsteadOfRecursing()
    {
        var json = new string('[', 200) + new string(']', 200);

        var outcome = Parse(json);

        Assert.Contains("depth", outcome.Diagnostics.Single().Reason);
    }

    [Fact]
    public void Parse_LargerThanTheLimit_IsRefusedWithAnError()
    {
        using var huge = new MemoryStream(new byte[NsxApiStatsParser.MaxInputBytes + 1]);

        var outcome = NsxApiStatsParser.Parse(huge);

        Assert.Contains("larger than", outcome.Diagnostics.Single().Reason);
        Assert.False(outcome.HasUsableData);
    }

    [Fact]
    public void Parse_EmptyOrScalarOrForeignDocument_HasNoUsableData()
    {
        Assert.False(Parse("").HasUsableData);
        Assert.False(Parse("42").HasUsableData);
        Assert.False(Parse("""{ "section_id": "x", "results": [] }""").HasUsableData);
        Assert.All([Parse(""), Parse("42"), Parse("{}")], o => Assert.True(o.Diagnostics.Single().Line > 0));
    }

    [Fact]
    public void Parse_MutatedDocumentedLayout_NeverThrowsAndReportsRealLines()
    {
        var sample = Encoding.UTF8.GetBytes("""
            {
              "section_id": "s",
              "results": [
                { "rule_id": "1026", "packet_count": "583221", "byte_count": 62011120, "hit_count": "9211" }
              ],
              "dfw": { "firewall_state_check_packet_drops": 1870, "bad_offset_drops": "2" }
            }
            """);

        foreach (var (name, bytes) in new InputMutator(42).Catalogue(sample))
        {
            ParserContract.Holds(NsxApiStatsParser.Parse, bytes, name, v => v.Warnings, ContractLimits.JsonRecords);
        }
    }
}
