using MudBlazor;

namespace Dashboard.Server.Components;

/// <summary>The dashboard's palette in both themes, and chart colours that stand out on either background.</summary>
public static class DashboardTheme
{
    /// <summary>Mid-luminance hues: each keeps at least 3:1 contrast on white and on the dark background (no dark purple).</summary>
    public static readonly string[] ChartPalette =
        ["#f97316", "#0ea5e9", "#22c55e", "#e11d48", "#eab308", "#14b8a6", "#d946ef", "#84cc16", "#f43f5e", "#38bdf8"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2563eb",
            AppbarBackground = "#1f2937",
            AppbarText = "#f9fafb",
            Background = "#ffffff",
            Surface = "#ffffff",
            Error = "#dc2626",
            Warning = "#d97706",
            Success = "#16a34a",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#60a5fa",
            AppbarBackground = "#111827",
            AppbarText = "#f9fafb",
            Background = "#0f141b",
            Surface = "#161d27",
            DrawerBackground = "#111827",
            TextPrimary = "#e5e7eb",
            TextSecondary = "#9ca3af",
            Error = "#f87171",
            Warning = "#fbbf24",
            Success = "#4ade80",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Noto Sans CJK SC", "Noto Sans", "sans-serif"] },
        },
    };
}
