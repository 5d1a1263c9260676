namespace Dashboard.Server.Demo;

/// <summary>
/// The loop both seed incidents are replayed on: healthy, then the failure, then the fix and recovery.
/// </summary>
public static class DemoTimeline
{
    public const double LoopSeconds = 360;
    public const double FailureStarts = 60;
    public const double FixApplied = 240;

    public static DemoPhase PhaseAt(double loopSecond) => loopSecond switch
    {
        < FailureStarts => DemoPhase.Healthy,
        < FixApplied => DemoPhase.Failing,
        _ => DemoPhase.Recovering,
    };

    /// <summary>Seconds since the failure began (0 outside the failure).</summary>
    public static double FailingFor(double loopSecond) => PhaseAt(loopSecond) == DemoPhase.Failing ? loopSecond - FailureStarts : 0;

    public static double RecoveringFor(double loopSecond) => PhaseAt(loopSecond) == DemoPhase.Recovering ? loopSecond - FixApplied : 0;
}

public enum DemoPhase
{
    Healthy,
    Failing,
    Recovering,
}
