namespace Dashboard.Server.Security;

/// <summary>Token roles (machines) and user roles (people).</summary>
public static class KnownRoles
{
    public const string Director = "director";
    public const string Hypervisor = "hypervisor";
    public const string Nsx = "nsx";
    public const string Reader = "reader";
    public const string Wall = "wall";

    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Admin = "admin";

    public static readonly string[] TokenRoles = [Director, Hypervisor, Nsx, Reader, Wall];
    public static readonly string[] IngestRoles = [Director, Hypervisor, Nsx];
    public static readonly string[] UserRoles = [Viewer, Operator, Admin];
}
