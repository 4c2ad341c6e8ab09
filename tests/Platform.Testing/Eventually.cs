using Xunit.Sdk;

namespace Platform.Testing;

/// <summary>Polls an asynchronous condition (an event crossing the broker) until it holds or the time is up.</summary>
public static class Eventually
{
    public static async Task<T> Returns<T>(Func<Task<T>> probe, Func<T, bool> condition, TimeSpan? timeout = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        T last;
        while (true)
        {
            last = await probe();
            if (condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new XunitException($"Condition not met in time{(because is null ? "" : $": {because}")}. Last value: {last}");
            }

            await Task.Delay(100);
        }
    }
}
