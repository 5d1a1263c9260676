using System.Xml.Linq;
using Dapper;
using Dashboard.Server.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Dashboard.Server.Security;

/// <summary>
/// Data-protection keys in PostgreSQL: cookies (people's logins, wall displays) stay valid across restarts and between
/// instances. The framework's Entity Framework store is not used, the rest of the storage is Dapper.
/// </summary>
public sealed class DatabaseXmlRepository(DashboardDatabase database) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        const string sql = "select xml from data_protection_keys order by created_at";
        using var conn = database.DataSource.OpenConnection();
        return conn.Query<string>(sql).Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        const string sql = """
            insert into data_protection_keys (friendly_name, xml) values (@friendlyName, @xml)
            on conflict (friendly_name) do update set xml = excluded.xml
            """;
        using var conn = database.DataSource.OpenConnection();
        conn.Execute(sql, new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
