namespace Dashboard.Server.Hosting;

/// <summary>Every configuration key the server reads, in one place.</summary>
public static class ConfigNames
{
    public const string Section = "Dashboard";
    public const string ConnectionStringName = "Dashboard";
    public const string DataDir = "Dashboard:DataDir";
    public const string Demo = "Dashboard:Demo";
    public const string AnonymousRole = "Dashboard:Auth:AnonymousRole";
    public const string StorageMinFreeMegabytes = "Dashboard:Storage:MinFreeMegabytes";
    public const string StorageMinFreePercent = "Dashboard:Storage:MinFreePercent";
    public const string StorageRetryAfterSeconds = "Dashboard:Storage:RetryAfterSeconds";
    public const string StorageDataPath = "Dashboard:Storage:DataPath";
}
