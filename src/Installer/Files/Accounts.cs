namespace MiniQmail.Installer.Files;

/// <summary>The system's account database (getpwnam, getgrnam), for qmail-showctl's id lines.</summary>
public static class Accounts
{
    public static int? UserId(string name) => Unix.UserId(name);

    public static int? GroupId(string name) => Unix.GroupId(name);
}
