using System.Globalization;

namespace Dashboard.Server.Model;

/// <summary>Shares written the same way on every page and in both languages ("83%"), whatever culture a circuit runs in.</summary>
public static class Percent
{
    public static string Of(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0}%");
}
