using System.Net.Http.Headers;
using System.Text.Json;

namespace Platform.TokenClient;

/// <summary>Where a caller asks for tokens and as whom (configuration section <c>Identity</c>).</summary>
public sealed record ClientCredentials(Uri Authority, string ClientId, string ClientSecret)
{
    /// <summary>The token endpoint under the authority (OpenIddict's <c>connect/token</c>).</summary>
    public Uri TokenEndpoint => new(new Uri(Authority.AbsoluteUri.EndsWith('/') ? Authority.AbsoluteUri : Authority.AbsoluteUri + "/"), "connect/token");

    /// <summary>From <c>Identity__Authority</c>, <c>Identity__ClientId</c>, <c>Identity__ClientSecret</c>-style values; null when any is missing.</summary>
    public static ClientCredentials? From(Func<string, string?> setting) =>
        setting("Identity:Authority") is { Length: > 0 } authority
        && setting("Identity:ClientId") is { Length: > 0 } clientId
        && setting("Identity:ClientSecret") is { Length: > 0 } secret
            ? new ClientCredentials(new Uri(authority, UriKind.Absolute), clientId, secret)
            : null;
}

/// <summary>
/// A client-credentials access token, fetched when first needed and again when 80 % of its lifetime has passed, so a
/// call never goes out with a token about to expire; concurrent callers share one request. If the token service cannot
/// be reached while the current token is still valid, the current one is used.
/// </summary>
public sealed class TokenClient(ClientCredentials credentials, HttpMessageHandler? handler = null, TimeProvider? time = null) : IDisposable
{
    private readonly HttpClient _http = new(handler ?? new SocketsHttpHandler(), disposeHandler: handler is null) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private Token? _token;

    public ClientCredentials Credentials => credentials;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } current && _time.GetUtcNow() < current.RefreshAt)
        {
            return current.Value;
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_token is { } fresh && _time.GetUtcNow() < fresh.RefreshAt)
            {
                return fresh.Value;
            }

            try
            {
                _token = await RequestAsync(cancellationToken);
            }
            catch (Exception) when (_token is { } stale && _time.GetUtcNow() < stale.ExpiresAt && !cancellationToken.IsCancellationRequested)
            {
                return stale.Value;
            }

            return _token.Value;
        }
        finally
        {
            _refresh.Release();
        }
    }

    private async Task<Token> RequestAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, credentials.TokenEndpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = credentials.ClientId,
                ["client_secret"] = credentials.ClientSecret,
            }),
        };
        var requestedAt = _time.GetUtcNow();
        using var response = await _http.SendAsync(request, cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var root = body.RootElement;
        if (!response.IsSuccessStatusCode || !root.TryGetProperty("access_token", out var accessToken))
        {
            var error = root.TryGetProperty("error", out var e) ? e.GetString() : null;
            var description = root.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            throw new HttpRequestException(
                $"The token service at {credentials.TokenEndpoint} refused client '{credentials.ClientId}': {(int)response.StatusCode} {error} {description}".TrimEnd(),
                null,
                response.StatusCode);
        }

        var lifetime = TimeSpan.FromSeconds(root.TryGetProperty("expires_in", out var expiresIn) ? expiresIn.GetDouble() : 300);
        return new Token(accessToken.GetString()!, requestedAt + lifetime * 0.8, requestedAt + lifetime);
    }

    public void Dispose()
    {
        _http.Dispose();
        _refresh.Dispose();
    }

    private sealed record Token(string Value, DateTimeOffset RefreshAt, DateTimeOffset ExpiresAt);
}

/// <summary>Sends the <see cref="TokenClient"/>'s token as <c>Authorization: Bearer</c> on every request without one.</summary>
public sealed class BearerTokenHandler(TokenClient tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", await tokens.GetTokenAsync(cancellationToken));
        return await base.SendAsync(request, cancellationToken);
    }
}
