// Small helpers the Blazor components call, and reconnection that never gives up (wall displays run for weeks).
// No inline scripts anywhere, so the Content-Security-Policy can forbid them.
window.dashboard = {
  setCookie(name, value, days) {
    const expires = new Date(Date.now() + days * 864e5).toUTCString();
    document.cookie = `${name}=${encodeURIComponent(value)}; expires=${expires}; path=/; SameSite=Lax`;
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

  function onReconnectState(modal) {
    const shown = modal.classList.contains('components-reconnect-show');
    const failed = modal.classList.contains('components-reconnect-failed');
    const rejected = modal.classList.contains('components-reconnect-rejected');
    if (shown || failed || rejected) {
      staleSince ??= new Date();
      document.documentElement.classList.add('is-stale');
      modal.querySelectorAll('[data-stale-since]').forEach((el) => { el.textContent = clock(staleSince); });
      document.querySelectorAll('[data-stale-since-global]').forEach((el) => { el.textContent = clock(staleSince); });
    } else {
      staleSince = null;
      document.documentElement.classList.remove('is-stale');
    }
    if (rejected) location.reload();
    if (failed) reloadWhenServerIsBack();
  }

  function start() {
    const modal = document.getElementById('components-reconnect-modal');
    if (modal) {
      new MutationObserver(() => onReconnectState(modal)).observe(modal, { attributes: true, attributeFilter: ['class'] });
    }
    Blazor.start({
      circuit: {
        reconnectionOptions: {
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
