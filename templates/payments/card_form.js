// Stripe.js Elements for the card field when Pathways uses real Stripe keys.
// Progressive enhancement: the card number goes from the browser to Stripe, and only the
// resulting payment method id ("pm_...") is posted to our server with the form.
(function () {
  "use strict";
  var form = document.getElementById("card-payment-form");
  if (!form || typeof Stripe === "undefined") { return; }
  var stripe = Stripe(form.getAttribute("data-publishable-key"));
  var card = stripe.elements().create("card", { hidePostalCode: true });
  card.mount("#card-element");
  var submitting = false;
  form.addEventListener("submit", function (event) {
    if (submitting) { return; }
    event.preventDefault();
    stripe.createPaymentMethod({ type: "card", card: card }).then(function (result) {
      if (result.error) {
        var hint = document.getElementById("card-element-hint");
        hint.textContent = result.error.message;
        return;
      }
      document.getElementById("payment_method_id").value = result.paymentMethod.id;
      submitting = true;
      form.submit();
    });
  });
})();
