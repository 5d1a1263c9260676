using Dashboard.Server.Alerting.Channels;
using Dashboard.Server.Alerting.Delivery;

namespace Dashboard.Server.Alerting;

public sealed record ChannelStatusView(ChannelView Channel, ChannelDeliveryStats? Delivery);
