Œ
req-001Z

ent-steadyExample enterprise ent-steady€¥†ó"CBEC pilot zone Hangzhou*apparelBCNK
ent-steady-e1ÔÞØ¿*
USDí=2buyer-26:GBJmarketplace_aR	completed<
ent-steady-e2ÔÞØ¿
Racceptedb
hs_code

61091000100
ent-steady-e3ÔÞ¿RpassedZent-steady-e2K
ent-steady-e4œ­ß¿*	
USDÜ„2buyer-1:JPJmarketplace_aR	completedE
ent-steady-e5„Ÿã¿*
USDäI2buyer-2:JPJown_siteR	completedL
ent-steady-e6Œ“ê¿*	
USD‹ø2buyer-14:JPJmarketplace_aR	completed"€ÅöÕ‚
req-002\
ent-refundsExample enterprise ent-refunds€±˜"CBEC pilot zone Hangzhou*apparelBCNL
ent-refunds-e1˜ÞØ¿*	
USD±ž2buyer-9:JPJmarketplace_aR	completed5
ent-refunds-e2˜™ˆÀ*	
USD±žZent-refunds-e1=
ent-refunds-e3˜ÞØ¿
Racceptedb
hs_code

61091000102
ent-refunds-e4˜Þ¿RpassedZent-refunds-e3L
ent-refunds-e5¨Þ¿*	
USD˜ö2buyer-6:JPJmarketplace_aR	completedK
ent-refunds-e6œÆé¿*
USD·2buyer-6:DEJmarketplace_aR	completed"€ÅöÕµ
req-003d
ent-chargebacks"Example enterprise ent-chargebacks€¹ì°"CBEC pilot zone Hangzhou*apparelBCNL
ent-chargebacks-e1¤Û¿*	
USDØž2buyer-59:USJown_siteR	completedA
ent-chargebacks-e2¤Û¿
Racceptedb
hs_code

6109100010L
ent-chargebacks-e3Ü¼Þ¿*	
USDÞš2buyer-27:JPJown_siteR	completed=
ent-chargebacks-e4Üâ‘Á*	
USDÞšZent-chargebacks-e3Q
ent-chargebacks-e5¤¸å¿*	
USDÖÞ2buyer-49:FRJmarketplace_aR	completedK
ent-chargebacks-e6ð•ë¿*
USDßP2buyer-19:FRJown_siteR	completed"€ÅöÕ