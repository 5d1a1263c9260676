using Dapper;
using Dashboard.Server.Ingest;
using Npgsql;

namespace Dashboard.Server.Tests.Reliability;

/// <summary>What the database holds for one agent host: its journaled sequences and the IPVS sample rows behind them.</summary>
internal sealed record StoredBatches(IReadOnlyList<long> Sequences, long SampleRows, long BatchesWithoutSamples)
{
    public static async Task<StoredBatches> ReadAsync(NpgsqlDataSource dataSource, string host)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var sequences = (await connection.QueryAsync<long>(
            "select sequence from ingest_batches where host = @host and source = @source order by sequence",
            new { host, source = BatchOrigin.AgentSource })).AsList();
        var sampleRows = await connection.ExecuteScalarAsync<long>(
            "select count(*) from ipvs_rs_samples where director = @host", new { host });
        var withoutSamples = await connection.ExecuteScalarAsync<long>("""
            select count(*) from ingest_batches b
            where b.host = @host and b.source = @source
              and not exists (select 1 from ipvs_rs_samples s where s.director = b.host and s.collected_at = b.collected_at)
            """, new { host, source = BatchOrigin.AgentSource });
        return new StoredBatches(sequences, sampleRows, withoutSamples);
    }

    /// <summary>Sequences missing from first..last (a lost batch).</summary>
    public IReadOnlyList<long> GapsBetween(long first, long last) => [.. LongRange(first, last).Except(Sequences)];

    /// <summary>Sequences journaled more than once.</summary>
    public IReadOnlyList<long> Repeated => [.. Sequences.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key)];

    private static IEnumerable<long> LongRange(long first, long last)
    {
        for (var s = first; s <= last; s++)
        {
            yield return s;
        }
    }
}
