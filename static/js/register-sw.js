// Lets an Android phone install Raja Kemas and open recently seen pages without signal.
if ('serviceWorker' in navigator) {
  navigator.serviceWorker.register('/sw.js').catch(function () {});
}
