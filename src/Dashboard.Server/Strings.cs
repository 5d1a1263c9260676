namespace Dashboard.Server;

/// <summary>Marker for the UI's localized strings (Resources/Strings.resx, Strings.zh-Hans.resx).</summary>
public sealed class Strings;
