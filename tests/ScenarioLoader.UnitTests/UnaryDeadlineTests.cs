using Grpc.Core;
using Grpc.Core.Interceptors;
using Platform.ScenarioLoader.Loading;

namespace Platform.ScenarioLoader.UnitTests;

public sealed class UnaryDeadlineTests
{
    private static readonly Method<string, string> Unary =
        new(MethodType.Unary, "svc", "Call", Marshallers.StringMarshaller, Marshallers.StringMarshaller);

    private static readonly DateTime Now = new(2026, 12, 7, 18, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void AUnaryCallWithoutDeadlineGetsTheLimit() =>
        Assert.Equal(Now + TimeSpan.FromSeconds(60), DeadlineSeen(new CallOptions()));

    [Fact]
    public void AUnaryCallsOwnDeadlineIsKept() =>
        Assert.Equal(Now.AddSeconds(5), DeadlineSeen(new CallOptions(deadline: Now.AddSeconds(5))));

    private static DateTime? DeadlineSeen(CallOptions options)
    {
        DateTime? seen = null;
        var interceptor = new UnaryDeadline(TimeSpan.FromSeconds(60), new FixedTime(Now));
        using var call = interceptor.AsyncUnaryCall("request", new ClientInterceptorContext<string, string>(Unary, null, options), (request, context) =>
        {
            seen = context.Options.Deadline;
            return new AsyncUnaryCall<string>(Task.FromResult("answer"), Task.FromResult(new Metadata()), () => Status.DefaultSuccess, () => [], () => { });
        });
        return seen;
    }

    private sealed class FixedTime(DateTime now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(now);
    }
}
