// Small helpers the Blazor components call, and reconnection that never gives up (wall displays run for weeks).
// No inline scripts anywhere, so the Content-Security-Policy can forbid them.
window.dashboard = {
  setCookie(name, value, days) {
    const expires = new Date(Date.now() + days * 864e5).toUTCString();
    document.cookie = `${name}=${encodeURIComponent(value)}; expires=${expires}; path=/; SameSite=Lax`;
  },
  // The page's own class follows the theme too, for the few styles MudBlazor's variables do not reach.
  setTheme(name, value, days) {
    this.setCookie(name, value, days);
    document.documentElement.classList.toggle('theme-dark', value === 'dark');
    document.documentElement.classList.toggle('theme-light', value !== 'dark');
  },
  timeZone() {
    try { return Intl.DateTimeFormat().resolvedOptions().timeZone; } catch { return null; }
  },
};

(() => {
  const pad = (n) => String(n).padStart(2, '0');
  const clock = (d) => `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  let staleSince = null;
  let polling = false;

  // Once the server answers again, a fresh page gets a fresh circuit (the old one died with the server).
  async function reloadWhenServerIsBack() {
    if (polling) return;
    polling = true;
    for (;;) {
      try {
        const response = await fetch('healthz', { cache: 'no-store' });
        if (response.ok) { location.reload(); return; }
      } catch { /* still down */ }
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }

  function markStale() {
    staleSince ??= new Date();
    document.documentElement.classList.add('is-stale');
    document.querySelectorAll('[data-stale-since], [data-stale-since-global]').forEach((el) => { el.textContent = clock(staleSince); });
  }

  function onReconnectState(modal) {
    const shown = modal.classList.contains('components-reconnect-show');
    const failed = modal.classList.contains('components-reconnect-failed');
    const rejected = modal.classList.contains('components-reconnect-rejected');
    if (shown || failed || rejected) {
      markStale();
    } else if (!polling) {
      staleSince = null;
      document.documentElement.classList.remove('is-stale');
    }
    if (rejected) location.reload();
    if (failed) reloadWhenServerIsBack();
  }

  // Independent of the circuit's own reconnection: whatever happened to it, a server that stopped answering makes the
  // page stale, and a server that answers again gets a fresh page.
  setInterval(async () => {
    if (polling) return;
    try {
      const response = await fetch('healthz', { cache: 'no-store' });
      if (!response.ok) { markStale(); reloadWhenServerIsBack(); }
    } catch {
      markStale();
      reloadWhenServerIsBack();
    }
  }, 3000);

  function start() {
    const modal = document.getElementById('components-reconnect-modal');
    if (modal) {
      new MutationObserver(() => onReconnectState(modal)).observe(modal, { attributes: true, attributeFilter: ['class'] });
    }
    Blazor.start({
      circuit: {
        // A wall must notice a dead server within seconds even when no close frame arrives (network loss).
        configureSignalR: (builder) => builder.withServerTimeout(10000).withKeepAliveInterval(4000),
        reconnectionOptions: {
          dialogId: 'components-reconnect-modal',
          maxRetries: 1000000,
          retryIntervalMilliseconds: (previousAttempts) => (previousAttempts < 5 ? 1000 : 3000),
        },
      },
    });
  }

  // The wall's clock ticks in the browser: twenty walls must not cost the server a render per second each.
  setInterval(() => {
    const now = clock(new Date());
    document.querySelectorAll('[data-clock]').forEach((el) => { el.textContent = now; });
  }, 1000);

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start); else start();
})();
