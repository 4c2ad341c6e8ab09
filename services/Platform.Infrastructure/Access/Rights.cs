namespace Platform.Infrastructure.Access;

/// <summary>
/// The rights a caller's token carries as <c>role</c> claims, each also the name of the authorisation policy that
/// requires it. An administrator holds every right.
/// </summary>
public static class Rights
{
    public const string Provider = "provider";
    public const string Certifier = "certifier";
    public const string Exchange = "exchange";
    public const string Reporter = "reporter";
    public const string Admin = "admin";

    /// <summary>Reads every dataset, drafts included: for services that check datasets on a caller's behalf (trading).</summary>
    public const string Reader = "reader";

    /// <summary>Any caller with a valid token.</summary>
    public const string Authenticated = "authenticated";

    /// <summary>Claims of the platform's access tokens.</summary>
    public static class Claims
    {
        public const string Subject = "sub";
        public const string Role = "role";
        public const string Organisation = "organisation";
        public const string Exchange = "exchange";
    }

    /// <summary>The audience every service expects.</summary>
    public const string Audience = "platform";
}
