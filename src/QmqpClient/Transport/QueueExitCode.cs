namespace MiniQmail.Qmqp.Transport;

/// <summary>
/// The qmail-queue exit codes (qmqp.md §6): 0 queued, 11-40 permanent, anything else temporary.
/// The one table that turns outcomes into codes.
/// </summary>
public static class QueueExitCode
{
    public const int Success = 0;
    public const int AddressTooLong = 11;
    public const int PermanentRefusal = 31;
    public const int OutOfMemory = 51;
    public const int Timeout = 52;
    public const int WriteError = 53;
    public const int ReadError = 54;
    public const int ConfigurationError = 55;
    public const int NetworkSetupError = 56;
    public const int HomeDirectoryError = 61;
    public const int TemporaryRefusal = 71;
    public const int ConnectTimeout = 72;
    public const int ConnectRefused = 73;
    public const int CommunicationFailed = 74;
    public const int InternalBug = 81;
    public const int EnvelopeFormatError = 91;

    public static int From(AttemptStatus status) => status switch
    {
        AttemptStatus.Accepted => Success,
        AttemptStatus.PermanentRefusal => PermanentRefusal,
        AttemptStatus.TemporaryRefusal => TemporaryRefusal,
        AttemptStatus.ConnectTimeout => ConnectTimeout,
        AttemptStatus.ConnectFailed => ConnectRefused,
        AttemptStatus.CommunicationFailed => CommunicationFailed,
        AttemptStatus.SocketFailed => NetworkSetupError,
        AttemptStatus.Cancelled => Timeout,
        _ => InternalBug,
    };

    /// <summary>Codes 11-40 are permanent failures; 0 is success; everything else is temporary.</summary>
    public static bool IsPermanent(int code) => code is >= 11 and <= 40;
}
